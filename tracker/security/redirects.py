"""Validation of `next` targets after sign-in."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths.

    '/decisions?page=2' is safe; '//evil', '/\\evil' and 'https://evil' are not.
    """
    if not target or len(target) > 2000:
        return False
    if any(ch in target for ch in ("\\", "\r", "\n", "\t", "\x00")):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default
