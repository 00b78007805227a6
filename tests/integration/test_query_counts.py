"""No N+1: the number of SQL statements per page does not grow with the data.

The same pages are requested on a data set of 10 decisions (and people) and of 1,000,
built with the national-scale generator (bulk inserts, so it is quick), signed in as the
demo leader, PA and manager. Statements are counted with SQLAlchemy's
`before_cursor_execute` event on the engine. Each page must stay under a fixed bound,
and the larger data set may not need more statements than the smaller one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.conftest import CSRF_RE, empty_all_tables
from tracker import demo
from tracker.demo import scale as demo_scale
from tracker.extensions import db
from tracker.models import Decision, Organisation, Person, User
from tracker.services import api_tokens, calendar_feeds

SIZES = (10, 1_000)
#: An eager load (selectinload) with nothing to load issues no statement: a timeline whose
#: rows have no "on behalf of" or "logged by" yet skips those loads. So a page may need a
#: few more statements once its rows have such links at all; beyond that, nothing grows.
SLACK = 4
ANCHOR = date(2026, 11, 20)

# page name → (user, path template, upper bound on statements per request)
PAGES: dict[str, tuple[str, str, int]] = {
    "home": ("leader", "/", 16),
    "my week (leader)": ("leader", "/my-week", 16),
    "my week (PA)": ("pa", "/my-week", 16),
    "decisions list": ("manager", "/decisions/", 12),
    "decision page": ("leader", "/decisions/{decision}", 30),
    "decision stakeholder map": ("leader", "/decisions/{decision}/stakeholder-map", 12),
    "people list": ("pa", "/people/", 8),
    "people search": ("pa", "/people/?q=Patel", 8),
    "person page": ("manager", "/people/{person}", 25),
    "person history": ("manager", "/people/{person}/history", 18),
    "organisations list": ("manager", "/organisations/", 8),
    "organisation page": ("manager", "/organisations/{organisation}", 18),
    "organisation history": ("manager", "/organisations/{organisation}/history", 18),
    "insight dashboard": ("manager", "/insight/?period=year", 14),
    "insight dashboard (leader)": ("leader", "/insight/?period=year", 14),
    "stakeholder map": ("leader", "/stakeholder-map", 10),
    "notifications": ("pa", "/notifications", 8),
    "calendar feed": ("anonymous", "/calendar/{calendar}.ics", 12),
    "API decisions": ("api", "/api/v1/decisions?per_page=50", 14),
    "API people": ("api", "/api/v1/people?per_page=50", 8),
    "API organisations": ("api", "/api/v1/organisations?per_page=50", 8),
    "API briefings": ("api", "/api/v1/briefings?per_page=50", 10),
}


def _scale(size: int) -> demo_scale.Scale:
    return replace(
        demo_scale.SCALES["system"],
        organisations=max(10, size // 10),
        people=max(50, size),
        decisions=size,
        years=2,
    )


def _build(app: Flask, size: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    name = f"test-{size}"
    monkeypatch.setitem(demo_scale.SCALES, name, _scale(size))
    with app.app_context():
        demo.load_demo_data(app.config["DEMO_PASSWORD"])
        db.session.commit()
        demo_scale.generate(name, 1, ANCHOR, lambda _n: None)
        db.session.commit()
        leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
        manager = db.session.scalar(select(User).where(User.email == "manager@example.org"))
        assert leader is not None
        assert manager is not None
        organisation = db.session.scalar(
            select(Organisation.id).where(Organisation.name == demo_scale.BENCH_ORGANISATION_NAME)
        )
        fixtures = {
            # The planted decision with 40 partners needs an upcoming event; a data set
            # of 10 may have none, so then the newest internal decision stands in.
            "decision": db.session.scalar(
                select(Decision.id).where(Decision.title == demo_scale.BENCH_DECISION_TITLE)
            )
            or db.session.scalar(
                select(Decision.id)
                .where(Decision.sensitivity == "internal")
                .order_by(Decision.id.desc())
                .limit(1)
            ),
            "organisation": organisation,
            "person": db.session.scalar(
                select(Person.id)
                .where(Person.organisation_id == organisation)
                .order_by(Person.id)
                .limit(1)
            ),
            "calendar": calendar_feeds.create_or_rotate(leader, app.config["SECRET_KEY"]),
            "api_token": api_tokens.create_token(manager, "query counts")[1],
            "decisions": db.session.scalar(select(db.func.count()).select_from(Decision)),
        }
        db.session.commit()
    return fixtures


def _signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    token = CSRF_RE.search(client.get("/sign-in").get_data(as_text=True))
    assert token
    response = client.post(
        "/sign-in",
        data={
            "email": email,
            "password": app.config["DEMO_PASSWORD"],
            "csrf_token": token.group(1),
        },
    )
    assert response.status_code == 302
    return client


@contextmanager
def _counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _measure(app: Flask, fixtures: dict[str, Any]) -> dict[str, int]:
    clients: dict[str, Callable[[str], Any]] = {}
    for role in ("leader", "pa", "manager"):
        client = _signed_in(app, f"{role}@example.org")
        clients[role] = client.get
    anonymous = app.test_client()
    clients["anonymous"] = anonymous.get
    api = app.test_client()
    headers = {"Authorization": f"Bearer {fixtures['api_token']}"}
    clients["api"] = lambda path: api.get(path, headers=headers)

    counts: dict[str, int] = {}
    for name, (user, template, _bound) in PAGES.items():
        path = template.format(**fixtures)
        get = clients[user]
        warm = get(path)  # sessions, caches and the first request's lazy set-up
        assert warm.status_code == 200, (name, path, warm.status_code)
        with _counting(app) as statements:
            response = get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(statements)
        if os.environ.get("SHOW_STATEMENTS") == name:
            print(name, *(" ".join(s.split())[:150] for s in statements), sep="\n  ")
    return counts


def test_statements_per_page_are_bounded_and_do_not_grow(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(RATELIMIT_ENABLED=False)
    counts_by_size = {}
    for size in SIZES:
        empty_all_tables(app)
        fixtures = _build(app, size, monkeypatch)
        assert fixtures["decisions"] >= size
        counts_by_size[size] = _measure(app, fixtures)

    over = {
        (size, name): count
        for size, counts in counts_by_size.items()
        for name, count in counts.items()
        if count > PAGES[name][2]
    }
    assert not over, f"pages over their bound of statements: {over}"
    small, large = (counts_by_size[size] for size in SIZES)
    grew = {name: (small[name], large[name]) for name in PAGES if large[name] > small[name] + SLACK}
    assert not grew, f"statements grew with the data (10 rows → 1,000 rows): {grew}"
