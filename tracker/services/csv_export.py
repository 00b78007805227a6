"""CSV exports that open safely in Excel: UTF-8 with a BOM, formulas neutralised.

Any export in the app (registers now, decisions and briefings later) goes through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from tracker.domain.csv_rows import NEEDS_NEUTRALISING_RE

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralise(value: object) -> str:
    """Text for one cell. A cell a spreadsheet would run as a formula gets a leading quote.

    Cells that already start with quotes before a trigger get one more, so that the
    importer (which removes exactly one) gives back the original text.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value)
    if NEEDS_NEUTRALISING_RE.match(text):
        return f"'{text}"
    return text


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in headers])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return csv_text(headers, rows).encode("utf-8")


def dated_filename(stem: str, today: date) -> str:
    return f"{stem}-{today.isoformat()}.csv"


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'
