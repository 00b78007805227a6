"""The SQL outcome classification equals the pure domain rule, row for row."""

from __future__ import annotations

import itertools
from datetime import timedelta

from tests import insight_factories as f
from tracker.domain.localtime import london_date
from tracker.domain.outcomes import requirement_outcome
from tracker.extensions import db
from tracker.services import compliance

# Events either side of both 2027 clock changes, around London midnight, and ordinary days.
EVENTS = [
    f.utc(2027, 3, 27, 23, 30),  # Sat 23:30 GMT
    f.utc(2027, 3, 28, 0, 59, 59),  # just before BST starts (00:59:59 GMT)
    f.utc(2027, 3, 28, 1, 0),  # BST starts: 02:00 BST
    f.utc(2027, 3, 28, 23, 30),  # 00:30 BST on Monday 29 March
    f.utc(2027, 6, 30, 23, 30),  # 00:30 BST on 1 July
    f.utc(2027, 7, 1, 9, 0),
    f.utc(2027, 10, 31, 0, 30),  # 01:30 BST, before the change
    f.utc(2027, 10, 31, 1, 30),  # 01:30 GMT, after the change
    f.utc(2027, 10, 30, 23, 30),  # 00:30 BST on 31 October
    f.utc(2027, 12, 1, 0, 0),
    f.utc(2028, 1, 1, 0, 0, 0),
]
BRIEFED_BEFORE = [
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(minutes=30),
    timedelta(minutes=61),
    timedelta(hours=23, minutes=30),
    timedelta(hours=24),
    timedelta(hours=24, minutes=30),
    timedelta(hours=25),
    timedelta(hours=47, minutes=30),
    timedelta(hours=48, minutes=30),
    timedelta(days=4),
    -timedelta(minutes=1),  # after the event
]
NOWS = [f.utc(2027, 1, 1), f.utc(2027, 10, 31, 1, 0), f.utc(2029, 1, 1)]


def test_sql_classification_equals_domain_function(app):
    with app.app_context():
        org = f.organisation()
        owner = f.person(org, "Owner")
        partner = f.person(org, "Partner")
        rows = []
        for event_at in EVENTS:
            decision = f.decision(owner, event_at=event_at)
            rounds = itertools.count()
            event_date = london_date(event_at)
            for days_before in (0, 1, 2):
                brief_by = event_date - timedelta(days=days_before)
                for before in BRIEFED_BEFORE:
                    rows.append(
                        f.requirement(
                            decision,
                            partner,
                            brief_by=brief_by,
                            status="briefed",
                            first_briefed_at=event_at - before,
                            update_round=next(rounds),
                        )
                    )
                for status in ("pending", "not_required", "waived"):
                    rows.append(
                        f.requirement(
                            decision,
                            partner,
                            brief_by=brief_by,
                            status=status,
                            update_round=next(rounds),
                        )
                    )
        db.session.commit()
        ids = [row.id for row in rows]
        seen = set()
        for now in [*NOWS, *EVENTS]:
            from_sql = compliance.classify(ids, now)
            for row in rows:
                expected = requirement_outcome(
                    brief_by=row.brief_by,
                    event_at=row.decision.event_at,
                    first_briefed_at=row.first_briefed_at,
                    status=row.status,
                    now=now,
                )
                assert from_sql[row.id] is expected, (
                    row.brief_by,
                    row.decision.event_at,
                    row.first_briefed_at,
                    row.status,
                    now,
                )
                seen.add(expected)
        # The data set exercises every outcome.
        assert {o.value for o in seen} == {
            "on_time",
            "late",
            "same_day",
            "after_event",
            "not_briefed",
            "not_required",
            "waived",
            "pending",
        }


def test_london_date_in_sql_matches_zoneinfo_every_half_hour_round_the_clock_changes(app):
    """Every half hour across both 2027 changes and a leap-year boundary."""
    from sqlalchemy import select

    from tracker.models import Briefing

    with app.app_context():
        org = f.organisation()
        person = f.person(org)
        instants = []
        for start in (f.utc(2027, 3, 27, 20), f.utc(2027, 10, 30, 20), f.utc(2027, 12, 31, 20)):
            instants += [start + timedelta(minutes=30 * i) for i in range(64)]
        briefings = [f.briefing([person], occurred_at=instant) for instant in instants]
        db.session.commit()
        rows = dict(
            db.session.execute(
                select(Briefing.id, compliance.london_date(Briefing.occurred_at))
            ).all()
        )
        months = dict(
            db.session.execute(
                select(Briefing.id, compliance.london_month(Briefing.occurred_at))
            ).all()
        )
        for briefing in briefings:
            expected = london_date(briefing.occurred_at)
            assert rows[briefing.id] == expected, briefing.occurred_at
            assert months[briefing.id] == f"{expected:%Y-%m}"
