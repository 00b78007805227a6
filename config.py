"""Configuration, read from the environment.

`TRACKER_ENV` picks the class: development (default), test or production.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _development_secret_key() -> str:
    """Keep one generated key in instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class Config:
    ENV_NAME = "base"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'no-surprises.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    PORT = _int("PORT", 5000)

    # Flask-Limiter: memory in development; Redis (or similar) in production.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "no-surprises")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per 5 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    # Requests per API token (and per address for requests without a valid token).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "No Surprises <no-reply@example.org>"
    )
    # Seconds to wait for the mail server before treating the attempt as failed.
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 30)

    # Reminders (tracker/services/reminders/). Send time is Europe/London wall-clock
    # time; upcoming days are working days before the brief-by date.
    REMINDER_SEND_TIME = os.environ.get("REMINDER_SEND_TIME", "08:00")
    REMINDER_UPCOMING_DAYS = os.environ.get("REMINDER_UPCOMING_DAYS", "3,1")
    REMINDER_MAX_ATTEMPTS = _int("REMINDER_MAX_ATTEMPTS", 5)
    # Seconds a claimed ('sending') reminder may stay unfinished before an admin must check it.
    REMINDER_SENDING_TIMEOUT = _int("REMINDER_SENDING_TIMEOUT", 600)
    REMINDER_BATCH_SIZE = _int("REMINDER_BATCH_SIZE", 100)

    # Upload limit for CSV imports and any other request body (bytes).
    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "no_surprises_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    # Number of reverse proxies in front of the app whose X-Forwarded-* we trust.
    PROXY_COUNT = _int("PROXY_COUNT", 0)

    WTF_CSRF_TIME_LIMIT = _int("WTF_CSRF_TIME_LIMIT", 3600 * 8)

    # argon2id parameters (argon2-cffi's RFC 9106 "low memory" profile by default).
    ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = _int("ARGON2_MEMORY_COST", 65536)
    ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 4)

    # Public on purpose: printed by `make run` and the README for the demo users only.
    DEMO_PASSWORD = "demo-password-1"  # noqa: S105


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or None  # filled in by load_config


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    # A GET that writes business data fails its test (tracker.web.transaction).
    GUARD_GET_WRITES = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    BASE_URL = "http://localhost"
    # Fast hashes keep the suite quick; production parameters are tested separately.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    MAIL_SUPPRESS_SEND = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-no_surprises_session"
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    pass


def load_config(env_name: str | None = None) -> type[Config]:
    name = (env_name or os.environ.get("TRACKER_ENV") or "development").lower()
    try:
        config = CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"TRACKER_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None
    if config is ProductionConfig and not os.environ.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set in production (TRACKER_ENV=production).")
    if config is DevelopmentConfig and not config.SECRET_KEY:
        config.SECRET_KEY = _development_secret_key()
    return config
