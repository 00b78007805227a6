"""Pure rules for insight: keep in touch, stakeholder quadrants and layout, periods, CSV."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.keep_in_touch import (
    contact_due_on,
    contact_status,
    due_for_contact,
    reminder_day,
)
from tracker.domain.periods import Period, PeriodKind, last_months, period_for
from tracker.domain.stakeholders import Quadrant, layout, quadrant, spread_in_cell
from tracker.domain.working_days import WorkingCalendar
from tracker.services.csv_export import csv_text, neutralise
from tracker.web.charts import Series, percentage_bars
from tracker.web.stakeholder_map import initials

CALENDAR = WorkingCalendar.england()


# --- keep in touch -------------------------------------------------------------------------


def test_due_after_the_cadence_in_calendar_days():
    # Last contact Monday 2 March 2026, every 14 days: due Monday 16 March.
    assert contact_due_on(date(2026, 3, 2), 14, CALENDAR, since=date(2026, 1, 1)) == date(
        2026, 3, 16
    )
    assert not due_for_contact(date(2026, 3, 2), 14, date(2026, 3, 15), CALENDAR)
    assert due_for_contact(date(2026, 3, 2), 14, date(2026, 3, 16), CALENDAR)


def test_due_date_moves_to_the_next_working_day():
    # 30 days after 25 November 2026 is Friday 25 December: Christmas, then Boxing Day
    # (Saturday, substitute Monday 28th), so the next working day is Tuesday 29 December.
    assert contact_due_on(date(2026, 11, 25), 30, CALENDAR, since=date(2026, 1, 1)) == date(
        2026, 12, 29
    )
    # A closure day moves it on again.
    closed = WorkingCalendar.england([date(2026, 12, 29)])
    assert contact_due_on(date(2026, 11, 25), 30, closed, since=date(2026, 1, 1)) == date(
        2026, 12, 30
    )


def test_never_contacted_is_due_from_when_the_cadence_started():
    assert contact_due_on(None, 30, CALENDAR, since=date(2026, 3, 7)) == date(2026, 3, 9)
    assert due_for_contact(None, 30, date(2026, 3, 9), CALENDAR, since=date(2026, 3, 7))
    assert not due_for_contact(None, None, date(2026, 3, 9), CALENDAR)


def test_status_and_reminder_day():
    status = contact_status(date(2026, 3, 2), 14, date(2026, 3, 20), CALENDAR)
    assert (status.due_on, status.days_overdue, status.is_due) == (date(2026, 3, 16), 4, True)
    # Reminder on the due date when it is still ahead…
    assert reminder_day(date(2026, 3, 2), 14, date(2026, 3, 10), CALENDAR) == date(2026, 3, 16)
    # …and as soon as possible (the next working day on or after today) once it has passed.
    assert reminder_day(date(2026, 3, 2), 14, date(2026, 3, 21), CALENDAR) == date(2026, 3, 23)


@pytest.mark.parametrize("bad", [0, 366, -1, True, 1.5])
def test_cadence_must_be_1_to_365_whole_days(bad):
    with pytest.raises((ValueError, TypeError)):
        contact_due_on(date(2026, 1, 1), bad, CALENDAR, since=date(2026, 1, 1))


def test_dates_must_be_dates():
    from datetime import datetime

    with pytest.raises(TypeError):
        due_for_contact(datetime(2026, 1, 1), 5, date(2026, 2, 1), CALENDAR)  # type: ignore[arg-type]


# --- stakeholder quadrants and layout ---------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "interest", "expected"),
    [
        (5, 5, Quadrant.MANAGE_CLOSELY),
        (4, 4, Quadrant.MANAGE_CLOSELY),
        (4, 3, Quadrant.KEEP_SATISFIED),
        (5, 1, Quadrant.KEEP_SATISFIED),
        (3, 4, Quadrant.KEEP_INFORMED),
        (1, 5, Quadrant.KEEP_INFORMED),
        (3, 3, Quadrant.MONITOR),
        (1, 1, Quadrant.MONITOR),
    ],
)
def test_quadrants(influence, interest, expected):
    assert quadrant(influence, interest) is expected


@pytest.mark.parametrize(("influence", "interest"), [(0, 3), (3, 6), (True, 3)])
def test_scores_are_1_to_5(influence, interest):
    with pytest.raises(ValueError, match="from 1 to 5"):
        quadrant(influence, interest)


def test_points_sharing_a_cell_are_spread_deterministically():
    assert spread_in_cell([]) == []
    (single,) = spread_in_cell(["a"])
    assert (single.x, single.y) == (0.5, 0.5)
    placements = spread_in_cell(["a", "b", "c"])
    positions = [(p.x, p.y) for p in placements]
    assert len(set(positions)) == 3
    assert all(0 < x < 1 and 0 < y < 1 for x, y in positions)
    assert positions == [(p.x, p.y) for p in spread_in_cell(["a", "b", "c"])]
    # The short last row is centred.
    assert placements[2].x == 0.5
    many = spread_in_cell(list(range(10)))
    assert len({(p.x, p.y) for p in many}) == 10


def test_layout_groups_by_cell_in_the_given_order():
    placed = layout({1: (5, 5), 2: (5, 5), 3: (1, 2)}, order=[2, 1, 3])
    assert placed[3] == (1, 2, 0.5, 0.5)
    assert placed[2][2] < placed[1][2]  # 2 comes first, so it is on the left


def test_initials():
    assert initials("Carla Council") == "CC"
    assert initials("Mary-Jane O'Neil") == "MO"
    assert initials("Prince") == "PR"
    assert initials("  ") == "?"


# --- periods ----------------------------------------------------------------------------------


def test_periods():
    today = date(2027, 5, 17)
    assert period_for(PeriodKind.MONTH, today) == Period(date(2027, 5, 1), date(2027, 5, 31))
    assert period_for(PeriodKind.QUARTER, today) == Period(date(2027, 4, 1), date(2027, 6, 30))
    assert period_for(PeriodKind.YEAR, today) == Period(date(2027, 1, 1), date(2027, 12, 31))
    assert period_for("quarter", date(2027, 12, 31)).first == date(2027, 10, 1)
    assert period_for("month", date(2028, 2, 10)).last == date(2028, 2, 29)
    with pytest.raises(ValueError, match="custom"):
        period_for(PeriodKind.CUSTOM, today)
    with pytest.raises(ValueError, match="end before"):
        Period(date(2027, 2, 1), date(2027, 1, 31))
    months = last_months(date(2027, 2, 10), 12)
    assert (months[0], months[-1], len(months)) == (date(2026, 3, 1), date(2027, 2, 1), 12)


# --- CSV and charts ---------------------------------------------------------------------------


@pytest.mark.parametrize("dangerous", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx", "'=x"])
def test_every_dangerous_prefix_is_neutralised(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


def test_csv_has_a_bom_and_safe_cells():
    text = csv_text(["Name", "=Header"], [["Safe", "=cmd|' /C calc'!A0"], [None, True]])
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == "Name,'=Header"
    assert lines[1] == "Safe,'=cmd|' /C calc'!A0"
    assert lines[2] == ",Yes"


def test_bar_chart_geometry():
    chart = percentage_bars(
        ["Jan 2027", "Feb 2027"], [Series("a", "A"), Series("b", "B")], [[100.0, 0.0], [None, 50]]
    )
    full, empty = chart.groups[0].bars
    assert full.height == chart.plot_height
    assert full.y == chart.top
    assert empty.height == 0
    assert full.value_text == "100%"
    none, half = chart.groups[1].bars
    assert none.value_text == "–"
    assert "no figures yet" in none.title
    assert half.height == chart.plot_height / 2
    assert [text for _y, text in chart.gridlines] == ["0%", "25%", "50%", "75%", "100%"]
