"""No Surprises: the application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, load_config

SERVICE_NAME = "No Surprises"


def create_app(env_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI. No DB work, no threads."""
    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        static_folder=str(BASE_DIR / "static"),
        template_folder=str(BASE_DIR / "templates"),
    )
    app.config.from_object(load_config(env_name))
    if overrides:
        app.config.update(overrides)

    app.jinja_options = {
        # The NHS macros read optional nested parameters that may be missing.
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(Path(app.template_folder))),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        "autoescape": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
    }

    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from tracker import api, cli, database, models  # noqa: F401  (models: the whole schema)
    from tracker.extensions import csrf, db, limiter, login_manager, mail, migrate
    from tracker.security import headers
    from tracker.web import register_web

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    headers.init_app(app)
    register_web(app)
    api.init_app(app)
    cli.init_app(app)
    return app
