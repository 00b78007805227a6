"""Reading spreadsheet CSV files: encodings, headings, blank rows, whole-file refusals."""

from __future__ import annotations

import pytest

from tracker.domain.csv_rows import CsvFileError, decode, read_table, undo_neutralise
from tracker.domain.register_csv import ORGANISATION_COLUMNS, PEOPLE_COLUMNS, parse_person_row


def test_decodes_utf8_bom_and_windows_1252():
    assert decode("Café".encode()) == "Café"
    assert decode("\ufeffCafé".encode()) == "Café"
    assert decode("Café – “quoted”".encode("cp1252")) == "Café – “quoted”"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0rest", "old-style Excel"),
        (b"%PDF-1.7", "PDF"),
        (b"a,b\x00c", "not a CSV file"),
        (b"\x81\x8d\x8f", "could not be read"),
    ],
)
def test_refuses_files_that_are_not_text(content, message):
    with pytest.raises(CsvFileError, match=message):
        decode(content)


@pytest.mark.parametrize(
    "heading",
    ["Organisation", "Organization", "Org", "ORGANISATION NAME", " organization-name "],
)
def test_organisation_heading_variants(heading):
    table = read_table(f"{heading},Type\nNorthshire ICB,icb\n".encode(), ORGANISATION_COLUMNS)
    assert table.rows[0].values["name"] == "Northshire ICB"
    assert table.header_names["name"] == heading.strip()


@pytest.mark.parametrize(
    "heading", ["Email", "E-mail", "Email address", "EMAIL ADDRESS", "e-mail address"]
)
def test_email_heading_variants(heading):
    table = read_table(f"Full name,Org,{heading}\nA,B,a@example.org\n".encode(), PEOPLE_COLUMNS)
    assert table.rows[0].values["email"] == "a@example.org"


def test_blank_rows_are_skipped_and_numbers_match_the_spreadsheet():
    content = b'Name,Type\n"First\nwith a line break",Other\n,\n\nSecond,Other\n,,\n\n'
    table = read_table(content, ORGANISATION_COLUMNS)
    assert [(row.number, row.values["name"]) for row in table.rows] == [
        (2, "First\nwith a line break"),
        (5, "Second"),
    ]


def test_missing_and_duplicate_columns():
    with pytest.raises(CsvFileError, match="missing the columns “Full name”, “Organisation”"):
        read_table(b"Email\na@example.org\n", PEOPLE_COLUMNS)
    with pytest.raises(CsvFileError, match="appears twice"):
        read_table(b"Name,Organisation\nA,B\n", ORGANISATION_COLUMNS)
    with pytest.raises(CsvFileError, match="first row must be the column headings"):
        read_table(b"\nName\nA\n", ORGANISATION_COLUMNS)
    with pytest.raises(CsvFileError, match="empty"):
        read_table(b"  \n", ORGANISATION_COLUMNS)


def test_short_rows_and_unknown_columns():
    table = read_table(b"Name,Colour,Type\nA\n", ORGANISATION_COLUMNS)
    assert table.rows[0].values == {"name": "A", "org_type": ""}
    assert table.ignored_headers == ["Colour"]


@pytest.mark.parametrize(
    ("cell", "original"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+44 1632", "+44 1632"),
        ("'-3", "-3"),
        ("'@cmd", "@cmd"),
        ("'\tx", "\tx"),
        ("'\rx", "\rx"),
        ("''=x", "'=x"),
        ("'plain", "'plain"),
        ("O'Brien", "O'Brien"),
    ],
)
def test_undo_neutralise(cell, original):
    assert undo_neutralise(cell) == original


def test_person_row_problems_name_the_column_as_the_file_does():
    table = read_table(b"Name,Org,E-mail,Influence,Archived\nA,B,bob@,7,perhaps\n", PEOPLE_COLUMNS)
    parsed = parse_person_row(table.rows[0], table)
    assert [str(problem) for problem in parsed.problems] == [
        "row 2, column E-mail: 'bob@' is not an email address",
        "row 2, column Influence: '7' is not a whole number from 1 to 5",
        "row 2, column Archived: 'perhaps' is not yes or no",
    ]


def test_blank_cells_set_nothing():
    table = read_table(b"Full name,Organisation,Email,Influence\nA,B,,\n", PEOPLE_COLUMNS)
    parsed = parse_person_row(table.rows[0], table)
    assert parsed.values == {"full_name": "A", "organisation": "B"}
