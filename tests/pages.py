"""Helpers for page-level tests: sign in, fill NHS date inputs, read page text."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from tests.conftest import AuthActions
from tracker.extensions import db
from tracker.models import AuditEvent

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def signed_in(app: Flask, user: Any) -> AuthActions:
    """A fresh client signed in as `user` (a conftest UserInfo)."""
    auth = AuthActions(app.test_client())
    auth.login_as(user)
    return auth


def date_fields(name: str, day: date | None = None, *, parts: tuple[str, str, str] | None = None):
    """Form data for an NHS date input: name[day], name[month], name[year]."""
    d, m, y = parts if parts is not None else (str(day.day), str(day.month), str(day.year))
    return {f"{name}[day]": d, f"{name}[month]": m, f"{name}[year]": y}


def text_of(response: Any) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", body))).strip()


def title_of(response: Any) -> str:
    match = _TITLE_RE.search(response.get_data(as_text=True))
    assert match, "no <title>"
    return html.unescape(match.group(1)).strip()


def error_summary_links(response: Any) -> list[tuple[str, str]]:
    """(href, text) of every link in the NHS error summary."""
    body = response.get_data(as_text=True)
    start = body.find("nhsuk-error-summary")
    assert start != -1, "no error summary on the page"
    end = body.find("</ul>", start)
    section = body[start:end]
    return [
        (href, _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub("", label))).strip())
        for href, label in re.findall(r'<a href="([^"]+)">(.*?)</a>', section, re.S)
    ]


def audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
