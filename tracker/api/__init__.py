"""The JSON API v1: personal access tokens, OpenAPI 3, the same services as the web pages.

Every route lives under /api/v1 and authenticates with `Authorization: Bearer <token>`
only. The OpenAPI document is generated from the marshmallow schemas by flask-smorest and
served at /api/v1/openapi.json; a readable version is at /api/docs for signed-in users.
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Blueprint, Flask, current_app, jsonify
from werkzeug.wrappers import Response

from tracker.api import briefings, decisions, me, organisations, people
from tracker.api.blueprint import response_ref
from tracker.api.errors import API_PREFIX, MESSAGES
from tracker.api.schemas import MAX_PER_PAGE, ErrorSchema

BLUEPRINTS = (me.bp, organisations.bp, people.bp, decisions.bp, briefings.bp)

DESCRIPTION = f"""\
Read and log the same data as the No Surprises web pages, with the same rules.

**Authentication.** Create a personal access token on your account page (Account → API
tokens) or with `flask create-token --email you@example.nhs.uk`, then send it on every
request as `Authorization: Bearer <token>`. A token acts with its user's role and
visibility. Session cookies are never accepted.

**Pagination.** Lists take `page` (from 1) and `per_page` (default 50, at most
{MAX_PER_PAGE}), are ordered by id, and return `pagination` metadata and a `Link` header.

**Times.** Date-times are ISO 8601 with an offset (naive ones are refused); they are stored
and returned in UTC. Brief-by dates and date filters are `YYYY-MM-DD` days in London.

**Errors.** Every error is `{{"error": {{"code", "message", "fields"?}}}}`. Something you may
not see answers 404, exactly like something that does not exist.
"""

ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "Bearer challenge",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "string"},
        }
    },
}

ERROR_STATUSES = (400, 401, 403, 404, 405, 413, 415, 422, 429)


class NoSurprisesApi(flask_smorest.Api):
    """flask-smorest, minus its global error handler: the app's handlers answer JSON for
    /api/v1 and HTML pages for everything else (tracker.web.errors)."""

    ERROR_SCHEMA = ErrorSchema
    # Each operation documents its own error codes; a catch-all "default" would hide gaps.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        pass


def _document_errors(api: NoSurprisesApi) -> None:
    for status in ERROR_STATUSES:
        api.spec.components.response(
            response_ref(status),
            {
                "description": MESSAGES[status],
                "content": {"application/json": {"schema": ErrorSchema}},
                **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
            },
        )
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your account page",
        },
    )


spec_bp = Blueprint("api_spec", __name__, url_prefix=API_PREFIX)


@spec_bp.route("/openapi.json")
def openapi_document() -> Response:
    """Public: the document describes the API, not anyone's data."""
    return jsonify(spec(current_app))


def spec(app: Flask) -> dict[str, Any]:
    api: NoSurprisesApi = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return api.spec.to_dict()


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "No Surprises API")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    # No Swagger UI or ReDoc from a CDN: the spec is served by spec_bp, the docs page by
    # tracker.web.api_docs.
    app.config.setdefault("OPENAPI_URL_PREFIX", None)
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": DESCRIPTION},
            "security": [{"bearerAuth": []}],
        },
    )
    api = NoSurprisesApi(app)
    _document_errors(api)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(spec_bp)
