"""The web layer: blueprints, error pages, sign-in plumbing and template helpers."""

from __future__ import annotations

from flask import Flask, g, request, url_for
from flask_login import current_user

from tracker import SERVICE_NAME


def register_web(app: Flask) -> None:
    from tracker.extensions import login_manager
    from tracker.services import users as user_service
    from tracker.services import visibility
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
        errors,
        formatting,
        history,
        insight,
        main,
        my_week,
        navigation,
        nhs,
        notifications,
        organisations,
        people,
        permissions,
        stakeholders,
        transaction,
    )

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):  # type: ignore[no-untyped-def]
        return user_service.load_for_session(session_id)

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_home.bp)
    app.register_blueprint(admin_users.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(decisions.bp)
    app.register_blueprint(briefings.bp)
    app.register_blueprint(my_week.bp)
    app.register_blueprint(admin_policy.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(api_docs.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(admin_outbox.bp)
    app.register_blueprint(insight.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(stakeholders.bp)
    app.register_blueprint(calendar_feed.bp)
    errors.init_app(app)
    transaction.init_app(app)
    nhs.init_app(app)
    formatting.init_app(app)
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
