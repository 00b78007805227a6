import pytest

from tracker.security.redirects import is_safe_next, safe_next


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/admin/users/",
        "/decisions?page=2&sort=title",
        "/people/3#history",
        # Percent-encoded characters stay inside the path, so this is harmless.
        "/%0d%0aSet-Cookie:x",
    ],
)
def test_relative_paths_are_allowed(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "http://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/\tevil",
        "///evil.example",
        "/" + "a" * 3000,
    ],
)
def test_everything_else_is_refused(target):
    assert not is_safe_next(target)


def test_safe_next_falls_back():
    assert safe_next("https://evil.example", "/home") == "/home"
    assert safe_next("/people", "/home") == "/people"
