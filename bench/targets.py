"""What the benchmark measures, the fixtures it needs, and the targets it reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

USERS = {
    "leader": "leader@example.org",
    "pa": "pa@example.org",
    "manager": "manager@example.org",
}
SEARCH_TERM = "Patel"


@dataclass(frozen=True)
class Page:
    name: str
    user: str  # a key of USERS, "api" (a manager's token) or "anonymous"
    path: str


def app_for(env: dict[str, str], **overrides: Any):  # type: ignore[no-untyped-def]
    from tracker import create_app

    return create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "SECRET_KEY": env["SECRET_KEY"],
            "BASE_URL": env["BASE_URL"],
            **overrides,
        },
    )


def is_ready(env: dict[str, str]) -> bool:
    """The national data set is there (the planted benchmark decision exists)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.demo.scale import BENCH_DECISION_TITLE
    from tracker.extensions import db
    from tracker.models import Decision

    app = app_for(env)
    with app.app_context():
        try:
            found = db.session.scalar(
                select(Decision.id).where(Decision.title == BENCH_DECISION_TITLE).limit(1)
            )
        except SQLAlchemyError:
            found = None
        db.engine.dispose()
    return found is not None


def fixtures(env: dict[str, str]) -> dict[str, Any]:
    """Ids of the planted objects, a calendar token and an API token (made fresh)."""
    from sqlalchemy import select

    from tracker.demo.scale import BENCH_DECISION_TITLE, BENCH_ORGANISATION_NAME
    from tracker.extensions import db
    from tracker.models import Decision, Organisation, User
    from tracker.services import api_tokens, calendar_feeds

    app = app_for(env)
    with app.app_context():
        users = {
            role: db.session.scalar(select(User).where(User.email == email))
            for role, email in USERS.items()
        }
        found = {
            "decision_id": db.session.scalar(
                select(Decision.id).where(Decision.title == BENCH_DECISION_TITLE)
            ),
            "organisation_id": db.session.scalar(
                select(Organisation.id).where(Organisation.name == BENCH_ORGANISATION_NAME)
            ),
            "calendar_token": calendar_feeds.create_or_rotate(
                users["leader"], app.config["SECRET_KEY"]
            ),
            "api_token": api_tokens.create_token(users["manager"], "benchmark")[1],
        }
        db.session.commit()
        db.engine.dispose()
    return found


def pages(found: dict[str, Any]) -> list[Page]:
    decision, organisation = found["decision_id"], found["organisation_id"]
    return [
        Page("home (leader)", "leader", "/"),
        Page("my week (PA)", "pa", "/my-week"),
        Page("my week (leader)", "leader", "/my-week"),
        Page("decisions list (manager)", "manager", "/decisions/"),
        Page("decision with 40 partners (leader)", "leader", f"/decisions/{decision}"),
        Page("people search (PA)", "pa", f"/people/?q={SEARCH_TERM}"),
        Page(
            "organisation, 500 engagements (manager)", "manager", f"/organisations/{organisation}"
        ),
        Page(
            "organisation history (manager)",
            "manager",
            f"/organisations/{organisation}/history",
        ),
        Page("compliance dashboard, a year (manager)", "manager", "/insight/?period=year"),
        Page("stakeholder map (leader)", "leader", "/stakeholder-map"),
        Page("calendar feed (leader)", "anonymous", f"/calendar/{found['calendar_token']}.ics"),
        Page("notifications (PA)", "pa", "/notifications"),
        Page("API: decisions", "api", "/api/v1/decisions?per_page=50"),
        Page("API: people", "api", "/api/v1/people?per_page=50"),
        Page("API: organisations", "api", "/api/v1/organisations?per_page=50"),
        Page("API: briefings", "api", "/api/v1/briefings?per_page=50"),
    ]


P95_LIMIT_MS = 150.0
THROUGHPUT_SHARE = 0.20
RSS_LIMIT_MB = 250.0
BACKGROUND_LIMITS = {
    "sweep_none_due_s": 0.050,
    "sweep_1000_due_s": 1.0,
    "send_1000_emails_s": 20.0,
    "import_10000_people_s": 15.0,
}


def evaluate(run: Any) -> list[dict[str, Any]]:
    results = []
    for page in run.pages:
        results.append(
            {
                "target": f"{page.name}: p95 ≤ {P95_LIMIT_MS:.0f} ms with one client",
                "value": f"{page.p95_ms:.1f} ms",
                "met": page.p95_ms <= P95_LIMIT_MS and page.errors == 0,
            }
        )
        results.append(
            {
                "target": f"{page.name}: ≥ {THROUGHPUT_SHARE:.0%} of /healthz under 8 clients",
                "value": f"{page.ratio_to_floor:.0%}",
                "met": page.ratio_to_floor >= THROUGHPUT_SHARE,
            }
        )
    results.append(
        {
            "target": f"each gunicorn worker < {RSS_LIMIT_MB:.0f} MB RSS",
            "value": f"{run.worker_rss_mb_max:.0f} MB",
            "met": run.worker_rss_mb_max < RSS_LIMIT_MB,
        }
    )
    for key, limit in BACKGROUND_LIMITS.items():
        value = run.background.get(key)
        results.append(
            {
                "target": f"{key.replace('_', ' ')} ≤ {limit:g} s",
                "value": "not measured" if value is None else f"{value:.3f} s",
                "met": value is not None and value <= limit,
            }
        )
    return results


def markdown(run: Any) -> str:
    lines = [
        f"# Benchmark: {run.database}, {run.started}",
        "",
        "Measured by `make bench` (bench/run.py) against a national-scale database "
        "(`flask demo-data --scale national --seed 1`), the app under gunicorn with 2 "
        "workers on 127.0.0.1.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in run.machine.items()),
    ]
    if run.generation_seconds is not None:
        lines.append(f"- national data generated in {run.generation_seconds:.0f} s")
    floor = run.floor
    lines += [
        "",
        "## Pages",
        "",
        f"The floor, `/healthz`: p50 {floor['p50_ms']:.1f} ms, p95 {floor['p95_ms']:.1f} ms, "
        f"p99 {floor['p99_ms']:.1f} ms, {floor['rps_8_clients']:.0f} requests/s with 8 clients.",
        "",
        "| page | user | p50 ms | p95 ms | p99 ms | req/s (8 clients) | share of floor | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in run.pages:
        lines.append(
            f"| {page.name} | {page.user} | {page.p50_ms:.1f} | {page.p95_ms:.1f} | "
            f"{page.p99_ms:.1f} | {page.rps_8_clients:.0f} | {page.ratio_to_floor:.0%} | "
            f"{page.errors} |"
        )
    lines += ["", f"Largest gunicorn worker: {run.worker_rss_mb_max:.0f} MB RSS.", ""]
    lines += ["## Background work", "", "| measurement | seconds |", "| --- | ---: |"]
    for key, value in run.background.items():
        lines.append(f"| {key.replace('_', ' ')} | {value:.3f} |")
    lines += ["", "## Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    for target in run.targets:
        lines.append(
            f"| {target['target']} | {target['value']} | {'met' if target['met'] else 'NOT MET'} |"
        )
    return "\n".join(lines) + "\n"
