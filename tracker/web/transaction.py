"""The request's unit of work: commit on success, roll back otherwise. Views never commit.

A request succeeded when it answers 2xx or 3xx and showed no form error: a form shown
again with the error summary (200, "Error: " in the title) changes nothing, whatever the
services flushed before refusing. The API is served by the same app, so the same rule
closes its requests.

`GET_WRITES_ALLOWED` lists the only tables a GET (or HEAD) may write: the deliberate
records of reading (the pre-release access register, an API token's last use). With
`GUARD_GET_WRITES` on (the test configuration), any other write during a GET raises, so
a page that changes business data on a GET fails its tests.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from tracker.services import unit_of_work

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GET_WRITES_ALLOWED = frozenset({"decision_access", "api_token"})


def succeeded(response: Response) -> bool:
    if response.status_code >= 400:
        return False
    return not (g.get("form_errors_shown") or g.get("csrf_error"))


def begin() -> None:
    if request.method in READ_METHODS and current_app.config.get("GUARD_GET_WRITES"):
        unit_of_work.read_only(GET_WRITES_ALLOWED, f"{request.method} {request.path}")


def finish(response: Response) -> Response:
    unit_of_work.end_read_only()
    if succeeded(response):
        unit_of_work.commit()
    else:
        unit_of_work.rollback()
    return response


def init_app(app: Flask) -> None:
    app.before_request(begin)
    app.after_request(finish)
