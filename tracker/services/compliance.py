"""The no-surprises compliance record, computed in the database.

Every figure is an SQL aggregate over briefing requirements joined to their decisions.
The outcome of a requirement is classified by ONE SQL expression, `outcome_case`, which
re-states `tracker.domain.outcomes.requirement_outcome` in SQL (a test proves the two
agree on a generated data set, London-date boundaries included). Nothing else here
classifies outcomes.

What is counted (shown on the page too):

- a decision counts in a period when its event's London date is in the period and it is
  planned, held or postponed: drafts never happened, cancelled decisions never landed;
- a decision *achieved no surprises* when it has at least one requirement, every one is
  on time, not required or waived, and no partner reported being surprised; it *failed*
  when any requirement was late, same day, after the event or not briefed, or a
  surprise was reported; otherwise it is still open (pending briefings) or has no
  partners recorded. The share achieved is achieved ÷ (achieved + failed);
- requirement shares are of requirements that needed a briefing and are settled (on
  time, late, same day, after the event, not briefed); pending, not required and
  waived are shown as counts beside them;
- surprises reported are reports about the decisions counted (for an organisation,
  reports made by its people).

Confidentiality: every query starts from `visible_clause`, so no figure includes a
decision the user may not see. Leaders, PAs and viewers are further limited to their
own decisions (owner in their circle, or they are on the decision team).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from tracker.domain.localtime import local_to_utc
from tracker.domain.outcomes import Outcome
from tracker.domain.periods import Period, add_months, last_months, month_key
from tracker.extensions import db
from tracker.models import (
    BriefingRequirement,
    Decision,
    DecisionStatus,
    Organisation,
    OrganisationType,
    Person,
    RequirementStatus,
    Role,
    SurpriseReport,
    User,
    UTCDateTime,
    decision_team,
    utcnow,
)
from tracker.services.visibility import circle_person_ids, visible_clause

#: Decisions that count in the record (see the module docstring).
COUNTED_STATUSES = (
    DecisionStatus.PLANNED.value,
    DecisionStatus.HELD.value,
    DecisionStatus.POSTPONED.value,
)
#: Outcomes of requirements that needed a briefing and are settled, in table order.
TIMING_OUTCOMES = (
    Outcome.ON_TIME,
    Outcome.LATE,
    Outcome.SAME_DAY,
    Outcome.AFTER_EVENT,
    Outcome.NOT_BRIEFED,
)
SURPRISE_OUTCOMES = tuple(o.value for o in TIMING_OUTCOMES if o.is_surprise)


# --- London dates in SQL ---------------------------------------------------------------


class london_date(FunctionElement[date]):
    """The Europe/London date of a UTC timestamp column, in SQL."""

    type = Date()
    inherit_cache = True
    name = "london_date"


class london_month(FunctionElement[str]):
    """'YYYY-MM' of a UTC timestamp column's Europe/London date, in SQL."""

    type = String()
    inherit_cache = True
    name = "london_month"


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    (argument,) = element.clauses.clauses
    return compiler.process(argument, **kw)


@compiles(london_date, "postgresql")
def _london_date_postgresql(element: london_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({_argument(element, compiler, **kw)} AT TIME ZONE 'Europe/London') AS DATE)"


@compiles(london_month, "postgresql")
def _london_month_postgresql(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    return (
        f"to_char(({_argument(element, compiler, **kw)} AT TIME ZONE 'Europe/London'), 'YYYY-MM')"
    )


def _sqlite_london(value: str) -> str:
    """SQLite has no time zones: add an hour during British Summer Time.

    BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
    of October (UK law since 1996, and the EU rule). The last Sunday of a 31-day month
    is the Sunday on or after the 25th, which SQLite's 'weekday 0' modifier finds.
    Timestamps are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, so they compare as
    text with the 'YYYY-MM-DD HH:MM:SS' boundaries.
    """
    year = f"substr({value}, 1, 4)"
    starts = f"datetime(date({year} || '-03-25', 'weekday 0'), '+1 hour')"
    ends = f"datetime(date({year} || '-10-25', 'weekday 0'), '+1 hour')"
    return f"CASE WHEN {value} >= {starts} AND {value} < {ends} THEN '+1 hour' ELSE '+0 hours' END"


# SQLite's date functions work in floating-point Julian days and round 23:59:59.999999
# up to the next day, so they are given the timestamp cut to whole seconds.


@compiles(london_date, "sqlite")
def _london_date_sqlite(element: london_date, compiler: SQLCompiler, **kw: Any) -> str:
    value = _argument(element, compiler, **kw)
    return f"date(substr({value}, 1, 19), {_sqlite_london(value)})"


@compiles(london_month, "sqlite")
def _london_month_sqlite(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    value = _argument(element, compiler, **kw)
    return f"strftime('%Y-%m', substr({value}, 1, 19), {_sqlite_london(value)})"


# --- the one SQL classification ----------------------------------------------------------


def outcome_case(now: datetime) -> ColumnElement[str]:
    """`requirement_outcome` in SQL, over BriefingRequirement joined to its Decision.

    The branches follow the domain function in the same order: not required, waived;
    briefed → after the event, on time (London date on or before brief-by), late (before
    the event's London date), same day; pending → not briefed once the event's time has
    come, else pending.
    """
    requirement, decision = BriefingRequirement, Decision
    briefed = requirement.status == RequirementStatus.BRIEFED.value
    briefed_on = london_date(requirement.first_briefed_at)
    return case(
        (requirement.status == RequirementStatus.NOT_REQUIRED.value, Outcome.NOT_REQUIRED.value),
        (requirement.status == RequirementStatus.WAIVED.value, Outcome.WAIVED.value),
        (
            and_(briefed, requirement.first_briefed_at >= decision.event_at),
            Outcome.AFTER_EVENT.value,
        ),
        (and_(briefed, briefed_on <= requirement.brief_by), Outcome.ON_TIME.value),
        (and_(briefed, briefed_on < london_date(decision.event_at)), Outcome.LATE.value),
        (briefed, Outcome.SAME_DAY.value),
        (decision.event_at <= literal(now, UTCDateTime()), Outcome.NOT_BRIEFED.value),
        else_=Outcome.PENDING.value,
    )


def classify(requirement_ids: Sequence[int], now: datetime) -> dict[int, Outcome]:
    """The SQL outcome of each requirement (for tests and spot checks)."""
    rows = db.session.execute(
        select(BriefingRequirement.id, outcome_case(now))
        .join(Decision, Decision.id == BriefingRequirement.decision_id)
        .where(BriefingRequirement.id.in_(list(requirement_ids)))
    )
    return {requirement_id: Outcome(value) for requirement_id, value in rows}


# --- scope ---------------------------------------------------------------------------------


def sees_everything(user: User) -> bool:
    """Managers and admins report on every decision they may see; others on their own."""
    return user.role in (Role.ADMIN.value, Role.MANAGER.value)


def scope_clause(user: User, now: datetime | None = None) -> ColumnElement[bool]:
    clause = visible_clause(user, now)
    if sees_everything(user):
        return clause
    people = circle_person_ids(user)
    mine: list[ColumnElement[bool]] = [
        exists().where(
            decision_team.c.decision_id == Decision.id, decision_team.c.user_id == user.id
        )
    ]
    if people:
        mine.append(Decision.owner_person_id.in_(people))
    return and_(clause, or_(*mine))


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    decisions: int = 0
    achieved: int = 0
    failed: int = 0
    no_partners: int = 0
    surprises_reported: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))

    @property
    def settled(self) -> int:
        return self.achieved + self.failed

    @property
    def open(self) -> int:
        return self.decisions - self.settled - self.no_partners

    @property
    def share_achieved(self) -> float | None:
        return percent(self.achieved, self.settled)

    @property
    def requirements(self) -> int:
        return sum(self.outcomes.values())

    @property
    def timed(self) -> int:
        """Requirements that needed a briefing and are settled: the base of the shares."""
        return sum(self.outcomes[outcome] for outcome in TIMING_OUTCOMES)

    @property
    def surprised(self) -> int:
        return sum(self.outcomes[outcome] for outcome in TIMING_OUTCOMES if outcome.is_surprise)

    def share(self, outcome: Outcome | str) -> float | None:
        return percent(self.outcomes[Outcome(outcome)], self.timed)

    @property
    def share_surprised(self) -> float | None:
        return percent(self.surprised, self.timed)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


@dataclass
class Breakdown:
    key: Any
    label: str
    figures: Figures


@dataclass
class Report:
    period: Period
    totals: Figures
    trend: list[Breakdown]
    by_owner: list[Breakdown]
    by_organisation: list[Breakdown]
    by_organisation_type: list[Breakdown]
    everything: bool


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        local_to_utc(period.first, time(0, 0)),
        local_to_utc(period.end_exclusive, time(0, 0)),
    )


class _Query:
    """The shared subqueries of one report: decisions in scope, their requirements."""

    def __init__(self, user: User, period: Period, now: datetime) -> None:
        start, end = _utc_bounds(period)
        self.decisions = (
            select(
                Decision.id.label("decision_id"),
                Decision.owner_person_id.label("owner_id"),
                london_month(Decision.event_at).label("month"),
            )
            .where(
                scope_clause(user, now),
                Decision.status.in_(COUNTED_STATUSES),
                Decision.event_at >= start,
                Decision.event_at < end,
            )
            .subquery("d")
        )
        d = self.decisions
        self.requirements = (
            select(
                BriefingRequirement.id.label("requirement_id"),
                BriefingRequirement.decision_id.label("decision_id"),
                Person.organisation_id.label("organisation_id"),
                Organisation.org_type.label("org_type"),
                d.c.owner_id,
                d.c.month,
                outcome_case(now).label("outcome"),
            )
            .join(Decision, Decision.id == BriefingRequirement.decision_id)
            .join(d, d.c.decision_id == BriefingRequirement.decision_id)
            .join(Person, Person.id == BriefingRequirement.person_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .subquery("r")
        )
        r = self.requirements
        reports = (
            select(SurpriseReport.decision_id, func.count().label("n"))
            .group_by(SurpriseReport.decision_id)
            .subquery("s")
        )
        n_requirements = func.count(r.c.requirement_id)
        n_failed = func.coalesce(
            func.sum(case((r.c.outcome.in_(SURPRISE_OUTCOMES), 1), else_=0)), 0
        )
        n_pending = func.coalesce(
            func.sum(case((r.c.outcome == Outcome.PENDING.value, 1), else_=0)), 0
        )
        self.per_decision = (
            select(
                d.c.decision_id,
                d.c.owner_id,
                d.c.month,
                n_requirements.label("n_requirements"),
                n_failed.label("n_failed"),
                n_pending.label("n_pending"),
                func.coalesce(reports.c.n, 0).label("n_reports"),
            )
            .select_from(d)
            .outerjoin(r, r.c.decision_id == d.c.decision_id)
            .outerjoin(reports, reports.c.decision_id == d.c.decision_id)
            .group_by(d.c.decision_id, d.c.owner_id, d.c.month, reports.c.n)
            .subquery("pd")
        )

    def _decision_stats(self, key: str | None) -> dict[Any, Figures]:
        pd = self.per_decision
        has_partners = pd.c.n_requirements > 0
        achieved = case(
            (
                and_(has_partners, pd.c.n_failed == 0, pd.c.n_pending == 0, pd.c.n_reports == 0),
                1,
            ),
            else_=0,
        )
        failed = case((and_(has_partners, or_(pd.c.n_failed > 0, pd.c.n_reports > 0)), 1), else_=0)
        no_partners = case((pd.c.n_requirements == 0, 1), else_=0)
        aggregates = (
            func.count(),
            func.coalesce(func.sum(achieved), 0),
            func.coalesce(func.sum(failed), 0),
            func.coalesce(func.sum(no_partners), 0),
        )
        if key in ("organisation_id", "org_type"):
            # A decision counts once for every organisation (or type) it affected.
            r = self.requirements
            pairs = select(r.c.decision_id, r.c[key].label("key")).distinct().subquery("pairs")
            query = (
                select(pairs.c.key, *aggregates)
                .select_from(pd)
                .join(pairs, pairs.c.decision_id == pd.c.decision_id)
                .group_by(pairs.c.key)
            )
        elif key is None:
            query = select(literal(None).label("key"), *aggregates).select_from(pd)
        else:
            query = select(pd.c[key], *aggregates).group_by(pd.c[key])
        stats: dict[Any, Figures] = {}
        for group, decisions, n_achieved, n_failed, n_no_partners in db.session.execute(query):
            stats[group] = Figures(
                decisions=decisions,
                achieved=int(n_achieved),
                failed=int(n_failed),
                no_partners=int(n_no_partners),
            )
        return stats

    def _outcome_counts(self, key: str | None, stats: dict[Any, Figures]) -> None:
        r = self.requirements
        group = r.c[key] if key else literal(None)
        query = select(group, r.c.outcome, func.count()).group_by(group, r.c.outcome)
        if key is None:
            query = select(literal(None), r.c.outcome, func.count()).group_by(r.c.outcome)
        for value, outcome, count in db.session.execute(query):
            stats.setdefault(value, Figures()).outcomes[Outcome(outcome)] += count

    def _reports(self, key: str | None, stats: dict[Any, Figures]) -> None:
        d = self.decisions
        if key in ("organisation_id", "org_type"):
            column = Person.organisation_id if key == "organisation_id" else Organisation.org_type
            query = (
                select(column, func.count())
                .select_from(SurpriseReport)
                .join(d, d.c.decision_id == SurpriseReport.decision_id)
                .join(Person, Person.id == SurpriseReport.person_id)
                .join(Organisation, Organisation.id == Person.organisation_id)
                .group_by(column)
            )
        else:
            group = d.c[key] if key else literal(None)
            query = (
                select(group, func.count())
                .select_from(SurpriseReport)
                .join(d, d.c.decision_id == SurpriseReport.decision_id)
            )
            if key:
                query = query.group_by(group)
        for value, count in db.session.execute(query):
            stats.setdefault(value, Figures()).surprises_reported += count

    def figures(self, key: str | None = None) -> dict[Any, Figures]:
        stats = self._decision_stats(key)
        self._outcome_counts(key, stats)
        self._reports(key, stats)
        return stats


def figures_for(user: User, period: Period, now: datetime | None = None) -> Figures:
    """The totals for one period."""
    now = now or utcnow()
    return _Query(user, period, now).figures().get(None, Figures())


def report(user: User, period: Period, today: date, now: datetime | None = None) -> Report:
    now = now or utcnow()
    query = _Query(user, period, now)
    totals = query.figures().get(None, Figures())

    months = last_months(today, 12)
    trend_period = Period(months[0], add_months(months[-1], 1) - timedelta(days=1))
    monthly = _Query(user, trend_period, now).figures("month")
    trend = [
        Breakdown(
            key=month_key(first),
            label=f"{first:%b %Y}",
            figures=monthly.get(month_key(first), Figures()),
        )
        for first in months
    ]

    owners = query.figures("owner_id")
    owner_names = _names(Person, Person.full_name, owners)
    by_owner = sorted(
        (Breakdown(k, owner_names.get(k, "Unknown"), f) for k, f in owners.items()),
        key=lambda b: b.label.lower(),
    )

    organisations = query.figures("organisation_id")
    organisation_names = _names(Organisation, Organisation.name, organisations)
    by_organisation = sorted(
        (Breakdown(k, organisation_names.get(k, "Unknown"), f) for k, f in organisations.items()),
        key=lambda b: (-b.figures.surprised - b.figures.surprises_reported, b.label.lower()),
    )

    types = query.figures("org_type")
    by_type = sorted(
        (Breakdown(k, OrganisationType(k).label, f) for k, f in types.items() if k),
        key=lambda b: b.label.lower(),
    )
    return Report(
        period=period,
        totals=totals,
        trend=trend,
        by_owner=by_owner,
        by_organisation=by_organisation,
        by_organisation_type=by_type,
        everything=sees_everything(user),
    )


def _names(model: Any, column: Any, keys: Any) -> dict[int, str]:
    ids = [key for key in keys if key is not None]
    if not ids:
        return {}
    # .all(): a Result has keys(), so dict(result) would read it as a mapping.
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


# --- the risk list ----------------------------------------------------------------------------


@dataclass
class AtRisk:
    decision: Decision
    first_brief_by: date
    pending: int
    overdue: int


def risk_list(user: User, today: date, now: datetime | None = None) -> list[AtRisk]:
    """Upcoming decisions with requirements still to brief, soonest brief-by date first.

    Every such decision is listed (no cap): the list is what a manager works through.
    """
    now = now or utcnow()
    requirement = BriefingRequirement
    pending = (
        select(
            requirement.decision_id,
            func.min(requirement.brief_by).label("first_brief_by"),
            func.count().label("pending"),
            func.coalesce(func.sum(case((requirement.brief_by < today, 1), else_=0)), 0).label(
                "overdue"
            ),
        )
        .where(requirement.status == RequirementStatus.PENDING.value)
        .group_by(requirement.decision_id)
        .subquery("p")
    )
    rows = db.session.execute(
        select(Decision, pending.c.first_brief_by, pending.c.pending, pending.c.overdue)
        .join(pending, pending.c.decision_id == Decision.id)
        .where(
            scope_clause(user, now),
            Decision.status.in_((DecisionStatus.PLANNED.value, DecisionStatus.POSTPONED.value)),
            Decision.event_at > now,
        )
        .options(selectinload(Decision.owner))
        .order_by(pending.c.first_brief_by, Decision.event_at, Decision.id)
    )
    return [
        AtRisk(decision=decision, first_brief_by=first, pending=count, overdue=int(overdue))
        for decision, first, count, overdue in rows
    ]
