"""CSV export: a BOM for Excel, and formulas neutralised in a way the importer can undo."""

from __future__ import annotations

import pytest

from tracker.domain.csv_rows import undo_neutralise
from tracker.services.csv_export import csv_bytes, dated_filename, neutralise


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_trigger_is_neutralised_and_restored(trigger):
    value = f'{trigger}HYPERLINK("http://evil.example")'
    cell = neutralise(value)
    assert cell == f"'{value}"
    assert undo_neutralise(cell.strip() if trigger not in "\t\r" else cell) == value


@pytest.mark.parametrize("value", ["'=already quoted", "''+twice", "plain", "O'Brien", "a=b", ""])
def test_round_trip_of_awkward_values(value):
    assert undo_neutralise(neutralise(value)) == value


def test_cells_and_file():
    assert neutralise(None) == ""
    assert neutralise(True) == "Yes"
    assert neutralise(False) == "No"
    assert neutralise(3) == "3"
    data = csv_bytes(["Name", "Notes"], [["=1+1", "line\nbreak"], ["Café", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == 'Name,Notes\r\n\'=1+1,"line\nbreak"\r\nCafé,\r\n'


def test_dated_filename():
    from datetime import date

    assert dated_filename("people", date(2025, 3, 4)) == "people-2025-03-04.csv"
