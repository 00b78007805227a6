"""CSV exports that open safely in Excel: UTF-8 with a BOM, formulas neutralised.

Any export in the app goes through here. (The registers branch has the same module with
the same names and behaviour; keep one when the branches meet.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"

# A cell starting with one of these is a formula to a spreadsheet (OWASP's list): = + - @
# tab and carriage return. Cells that already start with quotes before a trigger get one
# more, so an importer that removes exactly one quote gives back the original text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEEDS_NEUTRALISING_RE = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(value: object) -> str:
    """Text for one cell. A cell a spreadsheet would run as a formula gets a leading quote."""
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
