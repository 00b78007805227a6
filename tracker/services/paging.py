"""Pagination done in SQL: one COUNT and one LIMIT/OFFSET query per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal_column, select

from tracker.extensions import db

T = TypeVar("T")

PER_PAGE = 25


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def count(statement: Select[Any]) -> int:
    """Rows `statement` would return, counted without reading their columns (so the
    database may answer from an index) and without its ORDER BY."""
    if statement._group_by_clauses or statement._distinct:
        inner = statement.order_by(None)
    else:
        inner = statement.order_by(None).with_only_columns(
            literal_column("1"), maintain_column_froms=True
        )
    return db.session.scalar(select(func.count()).select_from(inner.subquery())) or 0


def clamp_page(page: int, total: int, per_page: int) -> int:
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages)


def paginate(
    statement: Select[Any], page: int, per_page: int, total: int | None = None
) -> Page[Any]:
    """One page of `statement`'s rows (ORM entities), in the statement's own order.

    Unlike the pages, a page past the end is empty rather than the last page, so an API
    client that walks pages until none are left stops. `total`, when the caller knows a
    cheaper way to count, saves the COUNT.
    """
    if total is None:
        total = count(statement)
    items = list(db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)
