"""Real-browser fixtures: the app on 127.0.0.1, Debian's chromium, and the page gates.

The browser tests run on their own SQLite database (a live server in a thread cannot
share the per-test PostgreSQL parametrisation), emptied after every test. Chromium must
be Debian's `/usr/bin/chromium` (`make browser-deps`), never a Playwright download.
When chromium, Java or the npm packages are missing the tests are skipped — or fail,
when `CI_REQUIRE_SERVICES=1` (as `.ci/run` sets it).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.gates import AXE_JS, VNU_JAR, GateRecorder, register
from tests.conftest import DEFAULT_PASSWORD, UserInfo, build_app, empty_all_tables
from tests.security.route_matrix import ROUTES
from tracker.extensions import db, limiter
from tracker.models import Base, Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_DIR = Path(__file__).parent

_outcome: dict[str, Any] = {"failed": False, "deselected": False}


def _missing(what: str, fix: str) -> NoReturn:
    message = f"{what} is missing: {fix}"
    if os.environ.get("CI_REQUIRE_SERVICES") == "1":
        pytest.fail(f"CI requires the browser tests: {message}", pytrace=False)
    pytest.skip(message)


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(Path(str(item.path)).is_relative_to(BROWSER_DIR) for item in items):
        _outcome["deselected"] = True


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed and report.nodeid.startswith("tests/browser/"):
        _outcome["failed"] = True


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    database = tmp_path_factory.mktemp("browser-db") / "browser.db"
    app = build_app(f"sqlite:///{database}")
    with app.app_context():
        Base.metadata.create_all(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(browser_app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 on a free port, from a background thread."""
    server = make_server("127.0.0.1", 0, browser_app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _missing("Debian's chromium (/usr/bin/chromium)", "run `make browser-deps`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def quality_gates(
    request: pytest.FixtureRequest,
    browser_app: Flask,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[GateRecorder]:
    if not AXE_JS.exists() or not VNU_JAR.exists():
        _missing("axe-core or vnu-jar (node_modules)", "run `make install-assets`")
    if shutil.which("java") is None:
        _missing("Java (for the Nu Html Checker)", "run `make browser-deps`")
    recorder = GateRecorder(browser_app, tmp_path_factory.mktemp("pages"))
    yield recorder
    recorder.validate_html()
    if _complete_run(request.session):
        _assert_every_page_was_visited(recorder)


def _complete_run(session: pytest.Session) -> bool:
    """Coverage is judged only when every browser test ran, and passed."""
    if _outcome["deselected"] or _outcome["failed"]:
        return False
    collected = {
        Path(str(item.path)).name
        for item in session.items
        if Path(str(item.path)).is_relative_to(BROWSER_DIR)
    }
    return collected == {path.name for path in BROWSER_DIR.glob("test_*.py")}


def _assert_every_page_was_visited(recorder: GateRecorder) -> None:
    required = {
        case.endpoint
        for case in ROUTES
        if case.kind == "html"
        and case.journey
        and case.get is not None
        and any(expected == 200 for expected in case.get.values())
    }
    missing = sorted(required - recorder.endpoints)
    assert not missing, (
        "HTML pages no browser journey visits (and so no gate checks): "
        f"{missing}. Add them to a journey in tests/browser/, or set journey=False "
        "in tests/security/route_matrix.py with a reason."
    )


@pytest.fixture
def live_app(browser_app: Flask) -> Iterator[Flask]:
    limiter.reset()
    yield browser_app
    empty_all_tables(browser_app)
    limiter.reset()


@pytest.fixture
def page(
    browser: Browser, live_server: str, live_app: Flask, quality_gates: GateRecorder
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 800}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    register(new_page, quality_gates)
    yield new_page
    try:
        quality_gates.release(new_page)
    finally:
        context.close()


@pytest.fixture
def make_browser_user(live_app: Flask) -> Callable[..., UserInfo]:
    """Create a user in the live server's database."""
    counter = iter(range(1, 10_000))

    def factory(
        role: Role | str = Role.LEADER,
        *,
        display_name: str | None = None,
        password: str = DEFAULT_PASSWORD,
    ) -> UserInfo:
        from tracker.services import users as user_service

        role = Role(role)
        n = next(counter)
        with live_app.app_context():
            user = user_service.create_user(
                email=f"{role.value}{n}@example.org",
                display_name=display_name or f"{role.value.title()} User {n}",
                role=role,
                password=password,
            )
            db.session.commit()
            info = UserInfo(user.id, user.email, user.display_name, user.role, password)
            db.session.remove()
        return info

    return factory
