"""The API's Blueprint: token required, CSRF-exempt, rate-limited, errors documented."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
from flask import current_app, request
from flask_smorest import abort
from marshmallow import RAISE, Schema

from tracker.api import auth
from tracker.api.errors import API_PREFIX
from tracker.extensions import csrf, limiter

JSON_TYPES = ("application/json",)


def response_ref(status: int) -> str:
    """The name of the shared response component for an error status (see tracker.api)."""
    return f"Error{status}"


class ApiBlueprint(flask_smorest.Blueprint):
    """One resource of /api/v1. Every route needs a token; errors are documented per route."""

    def __init__(self, name: str, import_name: str, *, path: str, description: str) -> None:
        super().__init__(
            f"api_{name}", import_name, url_prefix=f"{API_PREFIX}{path}", description=description
        )
        self.before_request(auth.require_token)
        # Safe only because no API route ever authenticates by cookie (see tracker.api.auth).
        csrf.exempt(self)
        # One budget per token across the whole API, not one per resource.
        limiter.shared_limit(
            lambda: current_app.config["API_RATE_LIMIT"],
            scope="api",
            key_func=auth.rate_limit_key,
        )(self)

    def errors(self, *statuses: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Document the error responses a route gives, besides those every route gives."""

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            for status in sorted({400, 401, 413, 429, *statuses}, reverse=True):
                func = self.alt_response(status, response_ref(status))(func)
            return func

        return decorator

    def query(self, schema: type[Schema]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Parse and validate the query string; unknown parameters are refused by name,
        so a mistyped filter is an error rather than silently ignored."""
        return self.arguments(schema, location="query", unknown=RAISE)

    def json_body(
        self, schema: type[Schema] | Schema, *, example: dict[str, Any] | None = None
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Parse and validate a JSON body (422 naming the fields); refuse other types (415)."""

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            parsed = self.arguments(schema, location="json", example=example)(func)
            parsed = self.alt_response(415, response_ref(415))(parsed)

            @wraps(parsed)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                require_json()
                return parsed(*args, **kwargs)

            return wrapper

        return decorator


def require_json() -> None:
    if request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
        abort(415, message=f"Send the request body as JSON ({JSON_TYPES[0]}).")


def refuse_body_unless_json() -> None:
    """For actions without a body (archive, restore): an empty body, or JSON, is fine."""
    if (request.content_length or 0) > 0 and request.mimetype != JSON_TYPES[0]:
        abort(415, message=f"Send no body, or a JSON one ({JSON_TYPES[0]}).")
    # Read (and dropped): a body over MAX_CONTENT_LENGTH is refused with 413, as elsewhere.
    request.get_data(cache=False)
