"""The stakeholder map: influence × interest, quadrants, and where to draw each person.

Influence and interest are scored 1 to 5. A score of 4 or 5 is *high*; 1 to 3 is *low*.
The split sits above the middle on purpose: every person starts at 3 × 3 until someone
assesses them, and an unassessed person should land in "monitor", not in "manage
closely" beside the people who really need a leader's time.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tracker.domain.labelled import LabelledEnum

SCORES = (1, 2, 3, 4, 5)
HIGH_FROM = 4


class Quadrant(LabelledEnum):
    MANAGE_CLOSELY = "manage_closely", "Manage closely", "High influence and high interest."
    KEEP_SATISFIED = "keep_satisfied", "Keep satisfied", "High influence, lower interest."
    KEEP_INFORMED = "keep_informed", "Keep informed", "Lower influence, high interest."
    MONITOR = "monitor", "Monitor", "Lower influence and lower interest."


#: The order quadrants are listed in: most attention first.
QUADRANT_ORDER = (
    Quadrant.MANAGE_CLOSELY,
    Quadrant.KEEP_SATISFIED,
    Quadrant.KEEP_INFORMED,
    Quadrant.MONITOR,
)


def _require_score(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise ValueError(f"{name} must be a whole number from 1 to 5, got {value!r}")
    return value


def quadrant(influence: int, interest: int) -> Quadrant:
    high_influence = _require_score(influence, "influence") >= HIGH_FROM
    high_interest = _require_score(interest, "interest") >= HIGH_FROM
    if high_influence:
        return Quadrant.MANAGE_CLOSELY if high_interest else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if high_interest else Quadrant.MONITOR


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one point goes inside its cell, as fractions of the cell (0 to 1)."""

    key: Hashable
    x: float
    y: float


def spread_in_cell(keys: Sequence[Hashable]) -> list[Placement]:
    """Spread the points that share one cell on a small grid, in the order given.

    One point sits in the middle; n points fill a ceil(√n)-column grid, row by row,
    centred in the cell. The result depends only on the order of `keys`, so the map
    looks the same every time it is drawn (sort the keys, by name for example).
    """
    count = len(keys)
    if count == 0:
        return []
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    placements = []
    for index, key in enumerate(keys):
        row, column = divmod(index, columns)
        # The last row may be short: centre it rather than leaving a gap on the right.
        in_row = columns if row < rows - 1 else count - columns * (rows - 1)
        placements.append(
            Placement(
                key=key,
                x=(column + 0.5 + (columns - in_row) / 2) / columns,
                y=(row + 0.5) / rows,
            )
        )
    return placements


def layout(
    scores: Mapping[Hashable, tuple[int, int]], order: Iterable[Hashable] | None = None
) -> dict[Hashable, tuple[int, int, float, float]]:
    """{key: (influence, interest, x, y)} with x, y the position inside the key's cell.

    `order` fixes who comes first within a cell (defaults to the mapping's order).
    """
    cells: dict[tuple[int, int], list[Hashable]] = {}
    for key in order if order is not None else scores:
        influence, interest = scores[key]
        _require_score(influence, "influence")
        _require_score(interest, "interest")
        cells.setdefault((influence, interest), []).append(key)
    result: dict[Hashable, tuple[int, int, float, float]] = {}
    for (influence, interest), keys in cells.items():
        for placement in spread_in_cell(keys):
            result[placement.key] = (influence, interest, placement.x, placement.y)
    return result
