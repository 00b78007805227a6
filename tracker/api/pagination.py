"""Page metadata and RFC 8288 Link headers for list responses."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from tracker.services.paging import Page

LINK_HEADER = {
    "Link": {
        "description": "RFC 8288 links to the first, previous, next and last pages",
        "schema": {"type": "string"},
    }
}


def envelope(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    return {
        "items": items,
        "pagination": {
            "page": page.page,
            "per_page": page.per_page,
            "total_items": page.total,
            "total_pages": page.pages,
        },
    }


def link_header(page: Page[Any]) -> str:
    args = {key: value for key, value in request.args.items() if key not in {"page"}}
    args["per_page"] = page.per_page

    def link(number: int, rel: str) -> str:
        url = url_for(
            request.endpoint or "", **(request.view_args or {}), **args, page=number, _external=True
        )
        return f'<{url}>; rel="{rel}"'

    links = [link(1, "first")]
    if page.page > 1:
        links.append(link(min(page.page - 1, page.pages), "prev"))
    if page.page < page.pages:
        links.append(link(page.page + 1, "next"))
    links.append(link(page.pages, "last"))
    return ", ".join(links)


def listing(page: Page[Any], items: list[Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The body and headers of a list response."""
    return envelope(page, items), {"Link": link_header(page)}
