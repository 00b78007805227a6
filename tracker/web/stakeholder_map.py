"""Geometry of the influence × interest map (the template only draws what this says)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.domain.stakeholders import HIGH_FROM, QUADRANT_ORDER, SCORES, Quadrant, layout
from tracker.domain.stakeholders import quadrant as quadrant_of

if TYPE_CHECKING:
    from tracker.models import Person

CELL = 112
LEFT = 64
TOP = 16
BOTTOM = 56
GRID = CELL * len(SCORES)
WIDTH = LEFT + GRID + 16
HEIGHT = TOP + GRID + BOTTOM
MAX_RADIUS = 13.0


@dataclass(frozen=True)
class Point:
    person: Person
    quadrant: Quadrant
    cx: float
    cy: float
    r: float
    initials: str
    font_size: float


@dataclass(frozen=True)
class Region:
    quadrant: Quadrant
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class StakeholderMap:
    width: int
    height: int
    left: int
    top: int
    grid: int
    cell: int
    regions: list[Region]
    points: list[Point]
    groups: list[tuple[Quadrant, list[Person]]]
    ticks: list[tuple[int, float]]


def initials(name: str) -> str:
    parts = [part for part in name.replace("-", " ").split() if part[:1].isalpha()]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


def _x(interest: float) -> float:
    return LEFT + (interest - 1) * CELL


def _y(influence: float) -> float:
    # High influence at the top.
    return TOP + (len(SCORES) - influence) * CELL


def build(people: Sequence[Person]) -> StakeholderMap:
    """Points spread deterministically within their cells, in the order given (by name)."""
    by_id = {person.id: person for person in people}
    placed = layout(
        {person.id: (person.influence, person.interest) for person in people},
        order=[person.id for person in people],
    )
    per_cell: dict[tuple[int, int], int] = {}
    for influence, interest, _x_frac, _y_frac in placed.values():
        per_cell[(influence, interest)] = per_cell.get((influence, interest), 0) + 1
    points = []
    for person_id, (influence, interest, x_frac, y_frac) in placed.items():
        crowd = per_cell[(influence, interest)]
        columns = max(1, int(crowd**0.5 + 0.999))
        radius = min(MAX_RADIUS, CELL / columns / 2 - 3)
        points.append(
            Point(
                person=by_id[person_id],
                quadrant=quadrant_of(influence, interest),
                cx=round(_x(interest) + x_frac * CELL, 2),
                cy=round(_y(influence) + y_frac * CELL, 2),
                r=round(radius, 2),
                initials=initials(by_id[person_id].full_name),
                font_size=round(max(6.0, radius * 0.85), 1),
            )
        )
    split_x = _x(HIGH_FROM)
    split_y = _y(HIGH_FROM - 1)  # the top edge of the row of score 3
    right = LEFT + GRID
    bottom = TOP + GRID

    def region(
        quadrant: Quadrant, x: float, y: float, x2: float, y2: float, at_top: bool
    ) -> Region:
        label_y = TOP + 16 if at_top else bottom - 8
        return Region(quadrant, x, y, x2 - x, y2 - y, x2 - 6, label_y, "end")

    regions = [
        region(Quadrant.MANAGE_CLOSELY, split_x, TOP, right, split_y, at_top=True),
        region(Quadrant.KEEP_SATISFIED, LEFT, TOP, split_x, split_y, at_top=True),
        region(Quadrant.KEEP_INFORMED, split_x, split_y, right, bottom, at_top=False),
        region(Quadrant.MONITOR, LEFT, split_y, split_x, bottom, at_top=False),
    ]
    groups = [
        (quadrant, [p.person for p in points if p.quadrant is quadrant])
        for quadrant in QUADRANT_ORDER
    ]
    groups = [
        (quadrant, sorted(members, key=lambda p: (-p.influence, -p.interest, p.name_key)))
        for quadrant, members in groups
    ]
    return StakeholderMap(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        grid=GRID,
        cell=CELL,
        regions=regions,
        points=points,
        groups=groups,
        ticks=[(score, (score - 0.5) * CELL) for score in SCORES],
    )
