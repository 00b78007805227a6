"""Time, count queries and profile the benchmark's pages in-process (no gunicorn).

A quick loop for performance work against the benchmark's database:

    DATABASE_URL=sqlite:///bench/data/national.db .venv/bin/python bench/profile_pages.py
    ... bench/profile_pages.py --only "stakeholder" --profile   # pyinstrument tree
    ... bench/profile_pages.py --sql                             # print each statement's time

Each page is requested once to warm up, then `--repeat` times; the table shows the median
and the slowest time and the number of SQL statements per request.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import targets  # noqa: E402
from bench.http_load import CSRF_RE  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="pages whose name contains this text")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="pyinstrument tree per page")
    parser.add_argument("--sql", action="store_true", help="time of each SQL statement")
    args = parser.parse_args()

    from sqlalchemy import event

    from tracker.extensions import db

    env = {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
        "BASE_URL": "http://127.0.0.1",
    }
    found = targets.fixtures(env)
    app = targets.app_for(env, RATELIMIT_ENABLED=False)
    statements: list[tuple[str, float]] = []
    started: dict[int, float] = {}

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        statements.append((statement, time.perf_counter() - started.pop(id(cursor), 0.0)))

    clients: dict[str, Any] = {}
    for role, email in targets.USERS.items():
        client = app.test_client()
        token = CSRF_RE.search(client.get("/sign-in").get_data(as_text=True))
        assert token
        response = client.post(
            "/sign-in",
            data={"email": email, "password": "demo-password-1", "csrf_token": token.group(1)},
        )
        assert response.status_code == 302, response.status_code
        clients[role] = client
    clients["anonymous"] = app.test_client()
    api = app.test_client()
    clients["api"] = api
    headers = {"api": {"Authorization": f"Bearer {found['api_token']}"}}

    print(f"{'page':45} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for page in targets.pages(found):
        if args.only and args.only.lower() not in page.name.lower():
            continue
        client = clients[page.user]
        extra = headers.get(page.user, {})
        response = client.get(page.path, headers=extra)
        if response.status_code != 200:
            print(f"{page.name}: HTTP {response.status_code}")
            continue
        times = []
        for _ in range(args.repeat):
            statements.clear()
            t0 = time.perf_counter()
            client.get(page.path, headers=extra)
            times.append((time.perf_counter() - t0) * 1000)
        print(
            f"{page.name:45} {statistics.median(times):10.1f} {max(times):8.1f} "
            f"{len(statements):8d}"
        )
        if args.sql:
            for statement, seconds in statements:
                print(f"    {seconds * 1000:8.1f} ms  {' '.join(statement.split())[:160]}")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            client.get(page.path, headers=extra)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
