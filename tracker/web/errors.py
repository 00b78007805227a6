"""NHS-style error pages, and the friendly handling of expired forms."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Flask,
    current_app,
    g,
    has_request_context,
    make_response,
    render_template,
    request,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from tracker.api import errors as api_errors
from tracker.domain.errors import Forbidden, InvalidInput, NotFound
from tracker.services import unit_of_work


@dataclass(frozen=True)
class ErrorPage:
    title: str
    body: tuple[str, ...]


PAGES = {
    400: ErrorPage(
        "Sorry, there is a problem with this request",
        ("The page could not understand what was sent.", "Go back and try again."),
    ),
    403: ErrorPage(
        "You do not have permission to see this page",
        (
            "Your account cannot view or change this.",
            "If you think you should have access, contact your No Surprises admin.",
        ),
    ),
    404: ErrorPage(
        "Page not found",
        (
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
        ),
    ),
    405: ErrorPage(
        "Sorry, this page cannot be used like that",
        ("This address does not accept that kind of request.", "Go back and try again."),
    ),
    413: ErrorPage(
        "The file you sent is too large",
        ("Choose a smaller file, or split it into parts, and try again.",),
    ),
    429: ErrorPage(
        "Too many attempts",
        (
            "To keep accounts safe, we have paused this for a short while.",
            "Wait a few minutes, then try again.",
        ),
    ),
    500: ErrorPage(
        "Sorry, there is a problem with the service",
        (
            "Try again later.",
            "Nothing you entered in the last step has been saved.",
        ),
    ),
}


def render_error(status: int) -> Response:
    page = PAGES.get(status) or PAGES[500 if status >= 500 else 400]
    limit_mb = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    response = make_response(
        render_template(
            "errors/error.html", status=status, page=page, upload_limit_mb=limit_mb / 1024 / 1024
        ),
        status,
    )
    return response


def handle_http_exception(error: HTTPException) -> Response:
    if api_errors.is_api_request():
        return api_errors.from_http_exception(error)
    status = error.code or 500
    response = render_error(status)
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


def handle_csrf_error(error: CSRFError) -> Response:
    """Show the same form again with what the user typed, and do nothing with it."""
    if api_errors.is_api_request():  # the API is exempt; this is a safety net
        return api_errors.from_http_exception(error)
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and view is not None:
        g.csrf_error = error.description
        response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
        if response.status_code < 300:
            response.status_code = 400
            return response
        unit_of_work.rollback()
    return render_error(400)


def handle_not_found(error: NotFound) -> Response:
    """A service found nothing the actor may see: the same 404 as a missing page."""
    if api_errors.is_api_request():
        return api_errors.error_response(404, message=error.message or None)
    return render_error(404)


def handle_forbidden(error: Forbidden) -> Response:
    if api_errors.is_api_request():
        return api_errors.error_response(403, message=error.message or None)
    return render_error(403)


def handle_invalid_input(error: InvalidInput) -> Response:
    """A refusal no form caught. The API names the field; a page can only say 400."""
    if api_errors.is_api_request():
        field = error.field or "body"
        return api_errors.error_response(
            422, message=error.message, fields={field: [error.message]}
        )
    return render_error(400)


def handle_server_error(error: Exception) -> Response:
    # The page's layout reads the database: it needs a session that is usable again.
    unit_of_work.rollback()
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException):
        current_app.logger.exception("Unhandled error", exc_info=original)
    if api_errors.is_api_request():
        return api_errors.server_error()
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(NotFound, handle_not_found)
    app.register_error_handler(Forbidden, handle_forbidden)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    unit_of_work.guard_commits(refuse_commit_after_csrf_failure)


def refuse_commit_after_csrf_failure() -> None:
    # A view re-run by the CSRF handler must never write anything.
    if has_request_context() and g.get("csrf_error"):
        raise RuntimeError("refusing to commit a request whose CSRF check failed")
