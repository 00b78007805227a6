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

Confidentiality: every query starts from `visibility.report_clause`, the rule's
IN_REPORTS: no figure includes a decision the user may not see, and leaders, PAs and
viewers are further limited to their own decisions (owner in their circle, or they are
on the decision team). Admins and managers report on every decision they may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import CTE

from tracker.domain.localtime import local_to_utc
from tracker.domain.outcomes import Outcome
from tracker.domain.periods import Period, add_months, last_months, month_key
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.visibility import REPORTS_ON_ALL_ROLES
from tracker.domain.vocabulary import OrganisationType
from tracker.extensions import db
from tracker.models import (
    BriefingRequirement,
    Decision,
    Organisation,
    Person,
    SurpriseReport,
    UTCDateTime,
    utcnow,
)
from tracker.services.actor import Who, as_actor
from tracker.services.visibility import report_clause

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


def _sqlite_is_bst(value: str) -> str:
    """SQLite has no time zones: is this UTC timestamp in British Summer Time?

    BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
    of October (UK law since 1996, and the EU rule). The last Sunday of a 31-day month
    is the Sunday on or after the 25th, which SQLite's 'weekday 0' modifier finds.
    Timestamps are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, so they compare as
    text with the 'YYYY-MM-DD HH:MM:SS' boundaries.
    """
    year = f"substr({value}, 1, 4)"
    starts = f"datetime(date({year} || '-03-25', 'weekday 0'), '+1 hour')"
    ends = f"datetime(date({year} || '-10-25', 'weekday 0'), '+1 hour')"
    return f"{value} >= {starts} AND {value} < {ends}"


def _sqlite_london_date(value: str) -> str:
    """The London date of a UTC timestamp stored as text.

    London is UTC or UTC+1, so its date is the UTC date except from 23:00 UTC during
    summer time, when it is the next day. The hour is checked first: the summer-time
    rule (date arithmetic, the costly part) is evaluated for one row in 24 only.
    SQLite's date functions work in floating-point Julian days and round
    23:59:59.999999 up, so they only ever see the date part.
    """
    return (
        f"CASE WHEN substr({value}, 12, 2) = '23' AND {_sqlite_is_bst(value)} "
        f"THEN date(substr({value}, 1, 10), '+1 day') ELSE substr({value}, 1, 10) END"
    )


@compiles(london_date, "sqlite")
def _london_date_sqlite(element: london_date, compiler: SQLCompiler, **kw: Any) -> str:
    return _sqlite_london_date(_argument(element, compiler, **kw))


@compiles(london_month, "sqlite")
def _london_month_sqlite(element: london_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({_sqlite_london_date(_argument(element, compiler, **kw))}, 1, 7)"


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


def sees_everything(who: Who) -> bool:
    """Whether the actor's reports cover every decision they may see (the rule's
    VIEWER_REPORTS_ON_ALL fact: admins and managers); others report on their own circle.
    The page says which."""
    actor = as_actor(who)
    return actor.is_signed_in and actor.role in REPORTS_ON_ALL_ROLES


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


def _month_bucket(column: Any, months: Sequence[date]) -> ColumnElement[str | None]:
    """'YYYY-MM' of the London month `column` falls in, among `months`; NULL outside.

    The same as `london_month` for those months, but by comparing the UTC instant with
    each month's London-midnight bounds: no time-zone arithmetic per row.
    """
    bounds = [local_to_utc(first, time(0, 0)) for first in [*months, add_months(months[-1], 1)]]
    whens = [
        (
            and_(
                column >= literal(bounds[index], UTCDateTime()),
                column < literal(bounds[index + 1], UTCDateTime()),
            ),
            month_key(first),
        )
        for index, first in enumerate(months)
    ]
    return case(*whens, else_=literal(None, String()))


#: The groupings of one report: (name, key column of the scan, rows it counts).
_GROUPINGS = ("total", "owner_id", "organisation_id", "org_type", "month")


class _Scan:
    """Every figure of a report in ONE statement.

    The requirements of the decisions in scope are read once: each is classified by
    `outcome_case`, each decision's state (achieved, failed, no partners) is a window
    over its requirements, and the groupings (totals, owners, organisations, types,
    months of the trend) are aggregates over that one materialised scan, joined by
    UNION ALL. Surprise reports are few and counted by a second, small query.
    """

    def __init__(
        self,
        who: Who,
        period: Period,
        now: datetime,
        trend_months: Sequence[date] = (),
    ) -> None:
        # One actor for every clause of the report: its circle is looked up once.
        self.actor, self.period, self.now = as_actor(who), period, now
        self.trend_months = list(trend_months)
        self.start, self.end = _utc_bounds(period)
        self.lower, self.upper = self.start, self.end
        if self.trend_months:
            trend_start = local_to_utc(self.trend_months[0], time(0, 0))
            trend_end = local_to_utc(add_months(self.trend_months[-1], 1), time(0, 0))
            self.lower, self.upper = min(self.lower, trend_start), max(self.upper, trend_end)

    def _in_scope(self) -> list[ColumnElement[bool]]:
        return [
            report_clause(self.actor, self.now),
            Decision.status.in_(COUNTED_STATUSES),
            Decision.event_at >= self.lower,
            Decision.event_at < self.upper,
        ]

    def _in_period(self, column: Any) -> ColumnElement[bool]:
        return and_(
            column >= literal(self.start, UTCDateTime()), column < literal(self.end, UTCDateTime())
        )

    def _month(self) -> ColumnElement[str | None]:
        """The trend month of the decision's event ('YYYY-MM'), NULL without a trend."""
        if self.trend_months:
            return _month_bucket(Decision.event_at, self.trend_months)
        return literal(None, String())

    def _scan(self) -> CTE:
        """One row per requirement of each decision in scope (one for a decision without
        any), classified by `outcome_case`."""
        requirement = BriefingRequirement
        reports = (
            select(SurpriseReport.decision_id, func.count().label("n"))
            .group_by(SurpriseReport.decision_id)
            .subquery("s")
        )
        outcome = case(
            (requirement.id.is_(None), literal(None, String())), else_=outcome_case(self.now)
        )
        return (
            select(
                Decision.id.label("decision_id"),
                Decision.owner_person_id.label("owner_id"),
                case((self._in_period(Decision.event_at), 1), else_=0).label("in_period"),
                self._month().label("month"),
                requirement.id.label("requirement_id"),
                Person.organisation_id.label("organisation_id"),
                Organisation.org_type.label("org_type"),
                outcome.label("outcome"),
                func.coalesce(reports.c.n, 0).label("n_reports"),
            )
            .select_from(Decision)
            .outerjoin(requirement, requirement.decision_id == Decision.id)
            .outerjoin(Person, Person.id == requirement.person_id)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .outerjoin(reports, reports.c.decision_id == Decision.id)
            .where(*self._in_scope())
            .cte("scan")
            .prefix_with("MATERIALIZED")
        )

    def _statement(self) -> CompoundSelect:
        """The groupings, each a row of (grouping, integer key, text key, *aggregates)."""
        state = _decision_state(self._scan())
        aggregates = _aggregates(state)
        no_int = literal(None, db.Integer())
        no_str = literal(None, String())
        in_period = state.c.in_period == 1
        with_requirement = state.c.requirement_id.is_not(None)
        parts: list[Select[Any]] = [
            select(literal("total"), no_int, no_str, *aggregates).where(in_period),
            select(literal("owner_id"), state.c.owner_id, no_str, *aggregates)
            .where(in_period)
            .group_by(state.c.owner_id),
            select(literal("organisation_id"), state.c.organisation_id, no_str, *aggregates)
            .where(in_period, with_requirement)
            .group_by(state.c.organisation_id),
            select(literal("org_type"), no_int, state.c.org_type, *aggregates)
            .where(in_period, with_requirement)
            .group_by(state.c.org_type),
        ]
        if self.trend_months:
            parts.append(
                select(literal("month"), no_int, state.c.month, *aggregates)
                .where(state.c.month.is_not(None))
                .group_by(state.c.month)
            )
        return union_all(*parts)

    def figures(self) -> dict[tuple[str, Any], Figures]:
        stats: dict[tuple[str, Any], Figures] = {}
        for grouping, key_int, key_str, *values in db.session.execute(self._statement()):
            decisions, n_achieved, n_failed, n_no_partners, *counts = values
            if grouping == "total" and not decisions:
                continue
            figures = Figures(
                decisions=int(decisions),
                achieved=int(n_achieved),
                failed=int(n_failed),
                no_partners=int(n_no_partners),
            )
            for o, count in zip(Outcome, counts, strict=True):
                figures.outcomes[o] += int(count)
            stats[(grouping, key_str if key_int is None else key_int)] = figures
        self._reports(stats)
        return stats

    def _reports(self, stats: dict[tuple[str, Any], Figures]) -> None:
        """Surprises reported: about the decisions counted; by organisation, by the
        organisation of the person who reported."""
        rows = db.session.execute(
            select(
                Decision.owner_person_id,
                case((self._in_period(Decision.event_at), 1), else_=0),
                self._month(),
                Person.organisation_id,
                Organisation.org_type,
            )
            .select_from(SurpriseReport)
            .join(Decision, Decision.id == SurpriseReport.decision_id)
            .join(Person, Person.id == SurpriseReport.person_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(*self._in_scope())
        )
        for owner_id, in_period, month_value, organisation_id, org_type in rows:
            keys: list[tuple[str, Any]] = []
            if in_period:
                keys += [
                    ("total", None),
                    ("owner_id", owner_id),
                    ("organisation_id", organisation_id),
                    ("org_type", org_type),
                ]
            if month_value is not None:
                keys.append(("month", month_value))
            for key in keys:
                stats.setdefault(key, Figures()).surprises_reported += 1


def _decision_state(scan: CTE) -> CTE:
    """The scan with each decision's totals beside every row: its requirements, how many
    failed (a surprise outcome) and how many are pending (windows over the decision)."""
    failing = case((scan.c.outcome.in_(SURPRISE_OUTCOMES), 1), else_=0)
    pending = case((scan.c.outcome == Outcome.PENDING.value, 1), else_=0)
    per_decision = scan.c.decision_id
    return select(
        *scan.c,
        func.count(scan.c.requirement_id).over(partition_by=per_decision).label("d_requirements"),
        func.sum(failing).over(partition_by=per_decision).label("d_failed"),
        func.sum(pending).over(partition_by=per_decision).label("d_pending"),
    ).cte("state")


def _aggregates(state: CTE) -> list[ColumnElement[Any]]:
    """The figures of one group of the state rows: decisions, achieved, failed, without
    partners, then the count of each outcome."""
    has_partners = state.c.d_requirements > 0
    achieved = and_(
        has_partners, state.c.d_failed == 0, state.c.d_pending == 0, state.c.n_reports == 0
    )
    failed = and_(has_partners, or_(state.c.d_failed > 0, state.c.n_reports > 0))
    decision = state.c.decision_id
    return [
        func.count(decision.distinct()),
        func.count(case((achieved, decision), else_=None).distinct()),
        func.count(case((failed, decision), else_=None).distinct()),
        func.count(case((state.c.d_requirements == 0, decision), else_=None).distinct()),
        *(
            func.coalesce(func.sum(case((state.c.outcome == o.value, 1), else_=0)), 0)
            for o in Outcome
        ),
    ]


def _grouped(stats: dict[tuple[str, Any], Figures], grouping: str) -> dict[Any, Figures]:
    return {key: figures for (name, key), figures in stats.items() if name == grouping}


def figures_for(who: Who, period: Period, now: datetime | None = None) -> Figures:
    """The totals for one period."""
    now = now or utcnow()
    return _Scan(who, period, now).figures().get(("total", None), Figures())


def report(who: Who, period: Period, today: date, now: datetime | None = None) -> Report:
    """The dashboard: totals, the 12-month trend and the breakdowns the actor reports on."""
    now = now or utcnow()
    actor = as_actor(who)
    months = last_months(today, 12)
    stats = _Scan(actor, period, now, months).figures()
    totals = stats.get(("total", None), Figures())

    monthly = _grouped(stats, "month")
    trend = [
        Breakdown(
            key=month_key(first),
            label=f"{first:%b %Y}",
            figures=monthly.get(month_key(first), Figures()),
        )
        for first in months
    ]

    owners = _grouped(stats, "owner_id")
    owner_names = _names(Person, Person.full_name, owners)
    by_owner = sorted(
        (Breakdown(k, owner_names.get(k, "Unknown"), f) for k, f in owners.items()),
        key=lambda b: b.label.lower(),
    )

    organisations = _grouped(stats, "organisation_id")
    organisation_names = _names(Organisation, Organisation.name, organisations)
    by_organisation = sorted(
        (Breakdown(k, organisation_names.get(k, "Unknown"), f) for k, f in organisations.items()),
        key=lambda b: (-b.figures.surprised - b.figures.surprises_reported, b.label.lower()),
    )

    types = _grouped(stats, "org_type")
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
        everything=sees_everything(actor),
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


def risk_list(who: Who, today: date, now: datetime | None = None) -> list[AtRisk]:
    """Upcoming decisions with requirements still to brief, soonest brief-by date first.

    Every such decision is listed (no cap): the list is what a manager works through.
    """
    now = now or utcnow()
    requirement = BriefingRequirement
    # Upcoming decisions first (an index range on event_at), then their pending rows.
    upcoming = (
        select(Decision.id)
        .where(
            report_clause(who, now),
            Decision.status.in_((DecisionStatus.PLANNED.value, DecisionStatus.POSTPONED.value)),
            Decision.event_at > now,
        )
        .subquery("u")
    )
    pending = (
        select(
            requirement.decision_id,
            func.min(requirement.brief_by).label("first_brief_by"),
            func.count().label("pending"),
            func.coalesce(func.sum(case((requirement.brief_by < today, 1), else_=0)), 0).label(
                "overdue"
            ),
        )
        .join(upcoming, upcoming.c.id == requirement.decision_id)
        .where(requirement.status == RequirementStatus.PENDING.value)
        .group_by(requirement.decision_id)
        .subquery("p")
    )
    rows = db.session.execute(
        select(Decision, pending.c.first_brief_by, pending.c.pending, pending.c.overdue)
        .join(pending, pending.c.decision_id == Decision.id)
        .options(selectinload(Decision.owner))
        .order_by(pending.c.first_brief_by, Decision.event_at, Decision.id)
    )
    return [
        AtRisk(decision=decision, first_brief_by=first, pending=count, overdue=int(overdue))
        for decision, first, count, overdue in rows
    ]
