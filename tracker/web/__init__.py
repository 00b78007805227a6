"""The web layer: blueprints, error pages, sign-in plumbing and template helpers."""

from __future__ import annotations

from flask import Flask, g, request, url_for
from flask_login import current_user

from tracker import SERVICE_NAME


def register_web(app: Flask) -> None:
    """Everything the web pages need: sign-in, blueprints, error pages, the request's unit
    of work and the template helpers."""
    from tracker.web import errors, formatting, nhs, transaction

    _configure_sign_in()
    _register_blueprints(app)
    errors.init_app(app)
    transaction.init_app(app)
    nhs.init_app(app)
    formatting.init_app(app)
    _add_template_helpers(app)


def _configure_sign_in() -> None:
    from tracker.extensions import login_manager
    from tracker.services import users as user_service

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(user_service.load_for_session)


def _register_blueprints(app: Flask) -> None:
    from tracker.web import (
        account,
        admin_home,
        admin_outbox,
        admin_policy,
        admin_users,
        api_docs,
        auth,
        briefings,
        calendar_feed,
        decisions,
        history,
        insight,
        main,
        my_week,
        notifications,
        organisations,
        people,
        stakeholders,
    )

    for module in (
        main,
        auth,
        admin_home,
        admin_users,
        organisations,
        people,
        decisions,
        briefings,
        my_week,
        admin_policy,
        account,
        api_docs,
        notifications,
        admin_outbox,
        insight,
        history,
        stakeholders,
        calendar_feed,
    ):
        app.register_blueprint(module.bp)


def _add_template_helpers(app: Flask) -> None:
    from tracker.services import visibility
    from tracker.web import navigation, permissions

    app.jinja_env.globals.update(
        is_confidential=visibility.is_confidential,
        can_edit_registers=permissions.can_edit_registers,
        can_curate_registers=permissions.can_curate_registers,
    )

    @app.context_processor
    def layout_context() -> dict[str, object]:
        return {
            "service_name": SERVICE_NAME,
            "navigation_items": navigation.items(current_user, request.endpoint),
            # Called by the header only, so pages for signed-out users query nothing.
            "unread_notifications": navigation.unread_notifications,
            "asset_path": url_for("static", filename="vendor/nhsuk/assets"),
        }

    @app.before_request
    def remember_request_start() -> None:
        g.form_errors_shown = False
