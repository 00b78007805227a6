"""Geometry for the server-rendered SVG charts (the templates only draw what this says).

Charts must read without colour: each series has its own fill pattern, every bar is
labelled with its value, and the same figures are in a table beneath the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 760
HEIGHT = 320
LEFT = 44
RIGHT = 8
TOP = 28
BOTTOM = 56
GRID = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Series:
    key: str  # also the pattern's id suffix
    label: str


@dataclass(frozen=True)
class Bar:
    series: Series
    x: float
    y: float
    width: float
    height: float
    value: float | None
    value_text: str
    label_y: float
    title: str


@dataclass(frozen=True)
class Group:
    label: str
    centre: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: float
    plot_height: float
    baseline: float
    gridlines: list[tuple[float, str]]
    groups: list[Group]
    series: list[Series]


def percent_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}%"


def percentage_bars(
    labels: Sequence[str], series: Sequence[Series], values: Sequence[Sequence[float | None]]
) -> BarChart:
    """Grouped bars of percentages (0–100). `values[i][j]` is series j in group i."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = plot_width / max(len(labels), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    groups = []
    for index, (label, row) in enumerate(zip(labels, values, strict=True)):
        start = LEFT + slot * index + slot * 0.1
        bars = []
        for position, (one, value) in enumerate(zip(series, row, strict=True)):
            height = 0.0 if value is None else plot_height * max(0.0, min(value, 100.0)) / 100
            y = baseline - height
            bars.append(
                Bar(
                    series=one,
                    x=round(start + bar_width * position, 2),
                    y=round(y, 2),
                    width=round(bar_width - 2, 2),
                    height=round(height, 2),
                    value=value,
                    value_text=percent_text(value),
                    label_y=round(y - 4, 2),
                    title=f"{label}: {one.label}: "
                    + ("no figures yet" if value is None else percent_text(value)),
                )
            )
        groups.append(Group(label=label, centre=round(LEFT + slot * (index + 0.5), 2), bars=bars))
    gridlines = [(round(baseline - plot_height * mark / 100, 2), f"{mark}%") for mark in GRID]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot_width=plot_width,
        plot_height=plot_height,
        baseline=baseline,
        gridlines=gridlines,
        groups=groups,
        series=list(series),
    )
