"""JSON errors for the API: {"error": {"code", "message", "fields"?}} for every failure.

The app's HTML error handlers ask `is_api_request()` first and hand API requests here,
so a client of /api/v1 never receives an HTML page, whatever went wrong and wherever.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

API_PREFIX = "/api/v1"

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "server_error",
}

MESSAGES = {
    400: "The request could not be understood.",
    401: "Send a valid API token: Authorization: Bearer <token>.",
    403: "Your role does not allow this.",
    404: "There is nothing here, or you do not have access to it.",
    405: "This address does not accept that method.",
    413: "The request body is too large.",
    415: "Send the request body as JSON, with Content-Type: application/json.",
    422: "Some fields are not valid.",
    429: "Too many requests for this token. Wait, then try again.",
    500: "Sorry, there is a problem with the service. Nothing was saved.",
}

AUTHENTICATE = 'Bearer realm="No Surprises API"'


def is_api_request() -> bool:
    if not has_request_context():
        return False
    path = request.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def error_response(
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    fields: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "code": code or CODES.get(status, "error"),
        "message": message or MESSAGES.get(status, "The request failed."),
    }
    if fields:
        body["fields"] = dict(fields)
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"partners.0.person_id": ["..."]}.

    The body-level key "_schema" (for example, a JSON array where an object was expected)
    becomes "body".
    """
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = "body" if key == "_schema" and not prefix else str(key)
            if key == "_schema" and prefix:
                name = prefix
            elif prefix:
                name = f"{prefix}.{name}"
            for field, errors in flatten(value, name).items():
                flat.setdefault(field, []).extend(errors)
        return flat
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "body": [str(m) for m in messages]}
    if isinstance(messages, list | tuple):
        flat = {}
        for item in messages:
            for field, errors in flatten(item, prefix).items():
                flat.setdefault(field, []).extend(errors)
        return flat
    return {prefix or "body": [str(messages)]}


def from_http_exception(error: HTTPException) -> Response:
    """Any HTTPException raised while serving the API, as our JSON error."""
    status = error.code or 500
    data: Mapping[str, Any] = getattr(error, "data", None) or {}
    headers: dict[str, str] = dict(data.get("headers") or {})
    code = data.get("code")
    message = data.get("message")
    fields = data.get("fields")
    messages = data.get("messages")
    if status == 400 and messages is not None:
        # webargs answers 400 only for a body that does not parse as JSON.
        code, message = "malformed_json", "The request body is not valid JSON."
    elif status == 422 and messages is not None:
        # webargs nests errors under the location ("json", "query"); clients want names.
        by_location: Mapping[str, Any] = messages
        fields = {}
        for location_errors in by_location.values():
            fields.update(flatten(location_errors))
        message = "Some fields are not valid: " + ", ".join(sorted(fields)) + "."
    if status == 401:
        headers.setdefault("WWW-Authenticate", AUTHENTICATE)
    if status == 405:
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    if status == 429 and not message:
        message = MESSAGES[429]
    return error_response(status, code=code, message=message, fields=fields, headers=headers)


def server_error() -> Response:
    return error_response(500)
