"""CSV formula injection: no export writes a cell a spreadsheet would run as a formula.

Exports are registered in `tests.security.route_matrix.EXPORTS`. The registry must agree
with the app: every route whose endpoint ends in "export", or whose matrix kind is "csv",
is registered, and every registered export is a real route of kind "csv".
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.security.helpers import build_world, client_for
from tests.security.route_matrix import (
    CASES_BY_ENDPOINT,
    EXPORTS,
    HOSTILE_CELLS,
    ROUTES,
    ExportCase,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def dangerous_cells(text: str) -> list[str]:
    """Cells that a spreadsheet would treat as a formula (OWASP CSV injection)."""
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell.startswith(FORMULA_STARTS)
    ]


def test_the_checker_spots_formulas():
    unsafe = "name,note\r\n" + "\r\n".join(f'"{value}",x' for value in HOSTILE_CELLS)
    assert len(dangerous_cells(unsafe)) == len(HOSTILE_CELLS)
    safe = "name,note\r\n" + "\r\n".join(f'"\'{value}",x' for value in HOSTILE_CELLS)
    assert dangerous_cells(safe) == []


def test_the_export_registry_matches_the_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    registered = {export.endpoint for export in EXPORTS}
    looks_like_export = {name for name in endpoints if name.split(".")[-1].endswith("export")}
    csv_routes = {case.endpoint for case in ROUTES if case.kind == "csv"}
    problems = [
        f"{name} looks like an export but is not in route_matrix.EXPORTS"
        for name in sorted((looks_like_export | csv_routes) - registered)
    ]
    for export in EXPORTS:
        if export.endpoint not in endpoints:
            problems.append(f"EXPORTS lists {export.endpoint}, which is not a route")
        elif CASES_BY_ENDPOINT.get(export.endpoint, None) is None:
            problems.append(f"{export.endpoint} is not in route_matrix.ROUTES")
        elif CASES_BY_ENDPOINT[export.endpoint].kind != "csv":
            problems.append(f"{export.endpoint} is an export but its RouteCase kind is not csv")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.endpoint)
def test_export_neutralises_formulas(app, make_user, export: ExportCase):
    world = build_world(app, make_user)
    export.seed(world, HOSTILE_CELLS)
    response = client_for(world, export.role).get(export.url(world))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    for value in HOSTILE_CELLS:
        # Neutralised the OWASP way: kept, with a leading apostrophe.
        assert {value, f"'{value}"} & cells, f"seeded value {value!r} is not in the export"
    assert dangerous_cells(text) == [], f"{export.endpoint} writes formula cells"
