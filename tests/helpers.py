"""Reading pages in tests: the error summary, inline errors and the title."""

from __future__ import annotations

import html as html_lib
import re

_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub("", fragment)).split())


def error_summary(page: str) -> list[str]:
    """The text of each item in the error summary, in order ([] if there is none)."""
    match = re.search(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', page, re.S)
    if not match:
        return []
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def error_summary_links(page: str) -> list[str]:
    match = re.search(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', page, re.S)
    return re.findall(r'href="([^"]+)"', match.group(1), re.S) if match else []


def inline_error(page: str, field_id: str) -> str | None:
    """The inline error message of one field, without the hidden "Error:" prefix."""
    pattern = (
        rf'id="{re.escape(field_id)}-error">\s*'
        r'<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)</span>'
    )
    match = re.search(pattern, page, re.S)
    return _text(match.group(1)) if match else None


def title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "no <title>"
    return _text(match.group(1))


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return html_lib.unescape(match.group(1)) if match else None
