"""Bulk inserts with explicit ids, for the data sets of `tracker.demo.scale`.

COPY on PostgreSQL, executemany on SQLite: rows are written batch by batch and nothing
is read back per row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

BATCH = 20_000

Progress = Callable[[int], None]


class BulkWriter:
    def __init__(self, connection: Connection, progress: Progress) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.progress = progress

    def _value(self, value: Any) -> Any:
        if self.postgres:
            if isinstance(value, dict | list):
                return json.dumps(value)
            return value
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, dict | list):
            return json.dumps(value)
        return value

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        total = 0
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(self._value(v) for v in row))
            if len(batch) >= BATCH:
                total += self._flush(table, columns, batch)
                batch = []
        if batch:
            total += self._flush(table, columns, batch)
        return total

    def _flush(self, table: Table, columns: Sequence[str], batch: list[tuple[Any, ...]]) -> int:
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            raw: Any = self.connection.connection.driver_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
            ):
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            # Table and column names come from our own metadata, never from input.
            insert = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608  # nosec B608
            self.connection.exec_driver_sql(insert, batch)
        self.progress(len(batch))
        return len(batch)

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        """PostgreSQL: the id sequences continue after the explicit ids written."""
        if not self.postgres:
            return
        for table in tables:
            # Table names come from our own metadata, never from input.
            sequence = f"pg_get_serial_sequence('\"{table.name}\"', 'id')"
            largest = f'SELECT MAX(id) FROM "{table.name}"'  # noqa: S608  # nosec B608
            self.connection.execute(text(f"SELECT setval({sequence}, COALESCE(({largest}), 1))"))


def next_id(connection: Connection, table: Table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


class Ids:
    """The next explicit id of each table, handed out one at a time."""

    def __init__(self, connection: Connection, tables: Iterable[Table]) -> None:
        self._next = {table.name: next_id(connection, table) for table in tables}

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value
