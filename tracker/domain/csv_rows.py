"""Reading CSV files the way spreadsheets really write them. Pure: bytes in, rows out.

- UTF-8 with or without a byte order mark, else Windows-1252 (Excel's "CSV" on Windows).
- Comma, semicolon or tab separated (Excel uses semicolons in some locales).
- Header names matched case-insensitively, ignoring spaces and punctuation, with variants.
- Blank rows skipped; row numbers are the ones the spreadsheet shows (header = row 1).
- Cells that an export neutralised against formula injection are restored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

# A cell starting with one of these is a formula to a spreadsheet. Exports put a single
# quote in front (OWASP's advice); imports take exactly one quote away again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED_RE = re.compile(r"^'+[=+\-@\t\r]")
NEEDS_NEUTRALISING_RE = re.compile(r"^'*[=+\-@\t\r]")

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "This looks like an Excel workbook or other zipped file"),
    (b"\xd0\xcf\x11\xe0", "This looks like an old-style Excel workbook"),
    (b"%PDF", "This looks like a PDF"),
)


class CsvFileError(ValueError):
    """The whole file is refused (not CSV, or missing columns). Nothing was changed."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the name exports use
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Row:
    number: int  # as the spreadsheet shows it
    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        """The cell, or None when the file has no such column."""
        return self.values.get(key)


@dataclass
class Table:
    columns: list[Column]  # the known columns present in the file, in file order
    rows: list[Row]
    ignored_headers: list[str]
    # How the file itself names each column, so problems use the user's own words.
    header_names: dict[str, str] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return any(column.key == key for column in self.columns)


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def decode(content: bytes) -> str:
    for signature, description in _BINARY_SIGNATURES:
        if content.startswith(signature):
            raise CsvFileError(
                f"{description}, not a CSV file. In your spreadsheet, choose "
                "File > Save As and pick “CSV UTF-8 (comma delimited)”, then upload that file."
            )
    if b"\x00" in content:
        raise CsvFileError(
            "The file is not a CSV file. Save your spreadsheet as “CSV UTF-8 (comma "
            "delimited)” and upload that file."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise CsvFileError(
            "The file's text could not be read. Save it as “CSV UTF-8 (comma delimited)” "
            "and try again."
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def undo_neutralise(value: str) -> str:
    if NEUTRALISED_RE.match(value):
        return value[1:]
    return value


def _clean_cell(value: str) -> str:
    return undo_neutralise(value.strip())


def read_table(content: bytes, columns: Sequence[Column]) -> Table:
    """Decode and parse a CSV file; refuse it as a whole if it cannot be used at all."""
    text = decode(content)
    if not text.strip():
        raise CsvFileError("The file is empty. Add a header row and at least one row of data.")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), _dialect(text)))
    except csv.Error as error:
        raise CsvFileError(f"The file could not be read as CSV ({error}).") from None

    header_index = next((i for i, record in enumerate(records) if any(c.strip() for c in record)))
    if header_index:
        raise CsvFileError(
            f"The first row must be the column headings, but it is blank. "
            f"Delete the blank rows above row {header_index + 1}."
        )
    headers = records[0]
    by_alias: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            by_alias[header_key(name)] = column

    positions: list[tuple[int, Column]] = []
    found: list[Column] = []
    header_names: dict[str, str] = {}
    ignored: list[str] = []
    for index, raw_header in enumerate(headers):
        known = by_alias.get(header_key(raw_header))
        if known is None:
            if raw_header.strip():
                ignored.append(raw_header.strip())
            continue
        if known in found:
            raise CsvFileError(
                f"The column “{known.header}” appears twice (as “{raw_header.strip()}”). "
                "Remove one of them."
            )
        found.append(known)
        positions.append((index, known))
        header_names[known.key] = raw_header.strip()

    missing = [column.header for column in columns if column.required and column not in found]
    if missing:
        names = ", ".join(f"“{name}”" for name in missing)
        plural = "columns" if len(missing) > 1 else "column"
        raise CsvFileError(
            f"The file is missing the {plural} {names}. The first row must name the columns; "
            "check the spelling against the list of columns on the upload page."
        )

    rows = list(_rows(records, positions))
    if not rows:
        raise CsvFileError("The file has a header row but no rows of data.")
    return Table(columns=found, rows=rows, ignored_headers=ignored, header_names=header_names)


def _rows(records: list[list[str]], positions: list[tuple[int, Column]]) -> Iterator[Row]:
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        values = {
            column.key: _clean_cell(record[position]) if position < len(record) else ""
            for position, column in positions
        }
        yield Row(number=index, values=values)
