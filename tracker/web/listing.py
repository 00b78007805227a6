"""Helpers for list pages: links that keep the current filters, sortable headers, pagination."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from tracker.services.paging import Page


def args_int(name: str, default: int | None = None) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else default


def current_args(**changes: Any) -> dict[str, Any]:
    """The query string as it is, with `changes` applied; empty values dropped."""
    args: dict[str, Any] = {key: value for key, value in request.args.items() if value != ""}
    for key, value in changes.items():
        if value in (None, "", False):
            args.pop(key, None)
        else:
            args[key] = value
    return args


def list_url(endpoint: str | None = None, **changes: Any) -> str:
    return url_for(endpoint or request.endpoint or "", **current_args(**changes))


@dataclass(frozen=True)
class SortHeader:
    label: str
    key: str
    href: str
    aria_sort: str | None  # "ascending"/"descending" on the sorted column only


def sort_headers(
    columns: list[tuple[str, str | None]], sort: str, descending: bool
) -> list[SortHeader | str]:
    """Table headers; sortable ones link to sort by them (again: the other way round)."""
    headers: list[SortHeader | str] = []
    for label, key in columns:
        if key is None:
            headers.append(label)
            continue
        is_current = key == sort
        next_order = "desc" if is_current and not descending else None
        headers.append(
            SortHeader(
                label=label,
                key=key,
                href=list_url(sort=key, order=next_order, page=None),
                aria_sort=("descending" if descending else "ascending") if is_current else None,
            )
        )
    return headers


def pagination(page: Page[Any]) -> dict[str, Any] | None:
    """Parameters for the NHS.UK pagination component, or None for a single page."""
    if page.pages <= 1:
        return None
    shown = sorted(
        {1, page.pages, *range(max(1, page.page - 2), min(page.pages, page.page + 2) + 1)}
    )
    items: list[dict[str, Any]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": number,
                "href": list_url(page=number if number > 1 else None),
                "current": number == page.page,
            }
        )
        previous = number
    params: dict[str, Any] = {"items": items}
    if page.page > 1:
        params["previous"] = {"href": list_url(page=page.page - 1 if page.page > 2 else None)}
    if page.page < page.pages:
        params["next"] = {"href": list_url(page=page.page + 1)}
    return params
