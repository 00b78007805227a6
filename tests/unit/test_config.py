import pytest

import config
from config import ConfigError, DevelopmentConfig, ProductionConfig, TestConfig, load_config


def test_test_env_is_chosen_by_name():
    assert load_config("test") is TestConfig


def test_unknown_env_is_refused():
    with pytest.raises(ConfigError, match="TRACKER_ENV"):
        load_config("staging")


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config("production")


def test_production_with_secret_key_has_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    chosen = load_config("production")
    assert chosen is ProductionConfig
    assert chosen.SESSION_COOKIE_SECURE is True
    assert chosen.SESSION_COOKIE_HTTPONLY is True
    assert chosen.SESSION_COOKIE_SAMESITE == "Lax"
    assert chosen.REMEMBER_COOKIE_SECURE is True


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    first = load_config("development").SECRET_KEY
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    second = load_config("development").SECRET_KEY
    assert first
    assert first == second
    assert (tmp_path / "secret_key").read_text() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_is_read(monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "1025")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    assert config._int("MAIL_PORT", 25) == 1025
    assert config._bool("MAIL_USE_TLS", False) is True
    monkeypatch.setenv("MAIL_USE_TLS", "0")
    assert config._bool("MAIL_USE_TLS", True) is False
