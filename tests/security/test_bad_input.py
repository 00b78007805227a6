"""Hostile input to every form: never a 500, always a clear error, nothing stored.

The forms are found, not listed: every POST route in the matrix is opened as a role that
may use it, and the page's own form (the one posting to the route) is parsed for its
fields. Hypothesis then sends a valid submission with some fields swapped for random and
hostile values. A redirect means the input was valid (and may be stored); anything else
must be the page again with the NHS error summary and unchanged row counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token_from
from tests.security.helpers import build_world, client_for, posting_role, row_counts
from tests.security.route_matrix import ROUTES, RouteCase
from tracker.extensions import limiter

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Fields whose text is kept as typed (choices and checkboxes are checked against a list).
TEXT_KINDS = {"text", "email", "password", "search", "tel", "url", "textarea", "date", "number"}

HOSTILE = [
    "",
    " ",
    "x" * 10_000,
    "\x00",
    "name\x00with-nul",
    "\x01\x02\x1b[31m\x7f",
    "line\r\nbreak",
    "\u202etxt.exe",
    "\ufeff",
    "😀" * 300,
    "👩🏽‍⚕️ Dr Zoë Ńowak",
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "Robert'); DROP TABLE user;--",
    "%00%27",
    "2027-02-31",
    "31/02/2027",
    "2027-13-01",
    "0000-00-00",
    "-1",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    '=HYPERLINK("https://evil.example")',
    "a@b",
    "@example.org",
    "admin@example.org\nBcc: victim@example.org",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20),
    st.integers().map(str),
)


@dataclass
class FormField:
    name: str
    kind: str  # input type, "select" or "textarea"
    options: list[str] = field(default_factory=list)


class FormParser(HTMLParser):
    """Collect the fields of the form whose action is `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.in_form = False
        self.found = False
        self.fields: dict[str, FormField] = {}
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.in_form = attributes.get("action", "").split("?")[0] == self.action
            self.found = self.found or self.in_form
            return
        if not self.in_form or not attributes.get("name"):
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text")
            current = self.fields.setdefault(name, FormField(name, kind))
            if kind in {"radio", "checkbox"}:
                current.options.append(attributes.get("value", "on"))
        elif tag == "textarea":
            self.fields[name] = FormField(name, "textarea")
        elif tag == "select":
            self._select = self.fields[name] = FormField(name, "select")
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self._select = None


def form_fields(html: str, action: str) -> dict[str, FormField]:
    parser = FormParser(action)
    parser.feed(html)
    assert parser.found, f"no form posting to {action} on its page"
    parser.fields.pop("csrf_token", None)
    return parser.fields


def _value_for(form_field: FormField) -> st.SearchStrategy[str | None]:
    """Any hostile text, or (for choices) a real option, or nothing at all."""
    choices: list[st.SearchStrategy[str | None]] = [hostile_text, st.none()]
    if form_field.options:
        choices.insert(0, st.sampled_from(form_field.options))
    return st.one_of(*choices)


# Cookie-authenticated forms; the JSON API is fed hostile input in tests/integration/api.
FORM_ROUTES = [
    case
    for case in ROUTES
    if case.auth == "session"
    and case.post is not None
    and (case.get is not None or case.form_page is not None)
]


def test_every_post_route_has_a_form_page():
    posting_only = [
        case.endpoint
        for case in ROUTES
        if case.auth == "session" and case.post and not case.get and not case.form_page
    ]
    assert not posting_only, (
        f"POST routes without a form page to parse: {posting_only}; "
        "give test_bad_input.py a field list for them"
    )


@pytest.mark.parametrize("case", FORM_ROUTES, ids=lambda case: case.endpoint)
def test_hostile_input_to_every_form(app, make_user, case: RouteCase) -> None:
    world = build_world(app, make_user)
    role = posting_role(case)
    url = case.url(world)
    client = client_for(world, role)
    page_url = case.form_page(world) if case.form_page else url
    page = client.get(page_url)
    assert page.status_code == 200, f"GET {page_url} as {role}"
    fields = form_fields(page.get_data(as_text=True), url.split("?")[0])
    valid = case.form(world) if case.form else {}

    names = sorted(fields)
    attacked_fields = st.sets(st.sampled_from(names), min_size=1) if names else st.just(frozenset())

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        # One world per form: the test checks stored state itself (row counts).
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        attacked_fields,
        st.fixed_dictionaries({name: _value_for(f) for name, f in fields.items()}),
    )
    def post_hostile_values(attacked: frozenset[str], hostile: dict[str, str | None]) -> None:
        nonlocal client, world, url, valid
        limiter.reset()  # sign-in throttling is tested elsewhere
        page_url = case.form_page(world) if case.form_page else url
        form_page = client.get(page_url)
        if form_page.status_code != 200:  # signed out by an earlier example: sign in again
            client = client_for(world, role)
            form_page = client.get(page_url)
        if form_page.status_code != 200:
            # An earlier valid example used the form's object up (a confirmed import, a
            # removed record): carry on in a fresh world.
            world = build_world(app, make_user)
            url = case.url(world)
            page_url = case.form_page(world) if case.form_page else url
            valid = case.form(world) if case.form else {}
            client = client_for(world, role)
            form_page = client.get(page_url)
        assert form_page.status_code == 200, f"GET {url} as {role}: {form_page.status_code}"
        token = csrf_token_from(form_page.get_data(as_text=True))
        body: dict[str, str] = {"csrf_token": token}
        for name in names:
            value = hostile[name] if name in attacked else valid.get(name)
            if value is not None:
                body[name] = value
        # Control characters are never valid input: they must be refused, not stored.
        must_refuse = any(
            CONTROL.search(body[name])
            for name in attacked
            if name in body and fields[name].kind in TEXT_KINDS
        )
        before = row_counts(app)

        response = client.post(url, data=body)

        text = response.get_data(as_text=True)
        what = f"POST {url} as {role} with {body!r}"
        assert response.status_code < 500, f"{what}: server error\n{text[:2000]}"
        if response.status_code in {301, 302, 303}:
            assert not must_refuse, f"{what}: control characters were accepted"
            assert response.location.startswith("/"), what
            return
        if (
            response.status_code == 200
            and case.post_stores_on_200
            and "nhsuk-error-summary" not in text
        ):  # accepted, and the result shown (a new API token)
            assert not must_refuse, f"{what}: control characters were accepted"
            return
        assert response.status_code in {200, 400}, f"{what}: got {response.status_code}"
        assert "nhsuk-error-summary" in text, f"{what}: no error summary on the page"
        assert "<title>Error: " in text, f"{what}: the title does not start with 'Error: '"
        assert "<script>alert(" not in text, f"{what}: input echoed without escaping"
        assert "<img src=x" not in text, f"{what}: input echoed without escaping"
        assert row_counts(app) == before, f"{what}: a refused form stored rows"

    post_hostile_values()


def test_nul_and_control_characters_are_refused_not_stored(app, auth, make_user):
    """Found by the property test: NUL reached PostgreSQL (a 500) and names kept controls."""
    user = make_user()
    response = auth.login(user.email + "\x00", user.password)
    assert response.status_code == 200
    assert "contains characters that are not allowed" in response.get_data(as_text=True)

    auth.login_as(make_user("admin"))
    before = row_counts(app)
    for name in ("Nul\x00Name", "Bell\x07Name", "Tab\tName"):
        response = auth.post(
            "/admin/users/new",
            {
                "display_name": name,
                "email": "control@example.org",
                "role": "viewer",
                "new_password": "control-password-1",
                "confirm_password": "control-password-1",
            },
        )
        body = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert "Full name contains characters that are not allowed" in body
        assert 'href="#display_name"' in body
    assert row_counts(app) == before
