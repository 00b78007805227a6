"""Who may see and change which decision, applied. Every decision query goes through here.

The rule itself is `tracker.domain.visibility` (written once, as an expression over named
facts). This module compiles it to SQL for queries (`decision_clause`, `visible_clause`),
evaluates it for one loaded decision (`can_see`, `can_edit`), and offers the scoped loads
every service uses to fetch a decision by id for an actor: `require_visible` raises
`NotFound` for what the actor may not see, `require_editable` also `Forbidden` for what
they may see but not change. A briefing about a decision someone may not see is as
confidential as the decision (`briefing_visible_clause`, `hidden_briefing_ids`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, or_, select, true
from sqlalchemy.orm.interfaces import ORMOption

from tracker.domain import visibility as rule
from tracker.domain.errors import Forbidden, NotFound
from tracker.domain.visibility import (
    CONFIDENTIAL_SENSITIVITIES,
    IN_CIRCLE,
    IN_REPORTS,
    MAY_EDIT,
    MAY_SEE,
    OPEN_SENSITIVITIES,
    AllOf,
    AnyOf,
    DecisionFacts,
    Fact,
    Rule,
)
from tracker.domain.vocabulary import Role, Sensitivity
from tracker.extensions import db
from tracker.models import Briefing, Decision, Person, briefing_decision, decision_team, utcnow
from tracker.models import person_pa as person_pa_table
from tracker.services.actor import Actor, Who, as_actor

__all__ = [
    "CONFIDENTIAL_SENSITIVITIES",
    "OPEN_SENSITIVITIES",
    "briefing_visible_clause",
    "can_create",
    "can_edit",
    "can_report_surprise",
    "can_see",
    "can_see_briefing",
    "can_waive",
    "circle_person_ids",
    "decision_clause",
    "get_visible",
    "hidden_briefing_ids",
    "in_circle",
    "is_confidential",
    "report_clause",
    "require_editable",
    "require_visible",
    "visible_clause",
    "visible_clause_inline",
]

NOT_FOUND_MESSAGE = "There is no decision with this id."


def circle_person_ids(who: Who) -> list[int]:
    """The people this actor acts as: their own Person record and the leaders they assist."""
    return sorted(as_actor(who).circle_person_ids())


# --- the rule as SQL --------------------------------------------------------------------


def _circle_sql(actor: Actor, inline: bool) -> ColumnElement[bool]:
    user = actor.user
    if user is None:
        return false()
    if inline:
        # One statement (the header's unread count): the circle as a subquery.
        own = select(Person.id).where(Person.user_id == user.id)
        if user.role != Role.PA.value:
            return Decision.owner_person_id.in_(own)
        assisted = select(person_pa_table.c.person_id).where(person_pa_table.c.user_id == user.id)
        return Decision.owner_person_id.in_(own.union(assisted))
    people = actor.circle_person_ids()
    return Decision.owner_person_id.in_(sorted(people)) if people else false()


def _fact_sql(name: Fact, actor: Actor, now: datetime, inline: bool) -> ColumnElement[bool]:
    user = actor.user
    match name:
        case Fact.VIEWER_IS_ADMIN:
            return true() if user is not None and user.role == Role.ADMIN.value else false()
        case Fact.VIEWER_EDITS:
            return true() if user is not None and user.role in rule.EDITOR_ROLES else false()
        case Fact.VIEWER_REPORTS_ON_ALL:
            reports = user is not None and user.role in rule.REPORTS_ON_ALL_ROLES
            return true() if reports else false()
        case Fact.OPEN:
            return Decision.sensitivity.in_(sorted(OPEN_SENSITIVITIES))
        case Fact.EMBARGO_LIFTED:
            # IS NOT NULL keeps the clause free of NULLs, so NOT(...) of it is safe too.
            return and_(
                Decision.sensitivity == Sensitivity.EMBARGOED.value,
                Decision.embargo_lifts_at.is_not(None),
                Decision.embargo_lifts_at <= now,
            )
        case Fact.OWNER_IN_CIRCLE:
            return _circle_sql(actor, inline)
        case Fact.ON_TEAM:
            if user is None:
                return false()
            return exists().where(
                decision_team.c.decision_id == Decision.id, decision_team.c.user_id == user.id
            )
    raise ValueError(f"unknown fact {name!r}")  # pragma: no cover - the enum is closed


def _compile(rule_: Rule, actor: Actor, now: datetime, inline: bool) -> ColumnElement[bool]:
    # and_/or_ short-circuit the true()/false() of the viewer's own facts, so an admin's
    # clause is plain TRUE and a viewer's carries only the branches that can hold.
    if isinstance(rule_, AnyOf):
        return or_(*(_compile(term, actor, now, inline) for term in rule_.terms))
    if isinstance(rule_, AllOf):
        return and_(*(_compile(term, actor, now, inline) for term in rule_.terms))
    return _fact_sql(rule_, actor, now, inline)


def decision_clause(
    rule_: Rule, who: Who | None, now: datetime | None = None, *, inline: bool = False
) -> ColumnElement[bool]:
    """A WHERE clause on Decision: the rows for which `rule_` holds for this actor."""
    actor = as_actor(who)
    if not actor.is_signed_in:
        return false()
    return _compile(rule_, actor, now or utcnow(), inline)


def visible_clause(who: Who | None, now: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause on Decision limiting rows to what the actor may see."""
    return decision_clause(MAY_SEE, who, now)


def visible_clause_inline(who: Who, now: datetime | None = None) -> ColumnElement[bool]:
    """`visible_clause` as one SQL expression, the actor's circle as a subquery."""
    return decision_clause(MAY_SEE, who, now, inline=True)


def report_clause(who: Who, now: datetime | None = None) -> ColumnElement[bool]:
    """The decisions the actor's reports cover (every visible one for admins and managers,
    otherwise those of their own circle)."""
    return decision_clause(IN_REPORTS, who, now)


def circle_clause(who: Who) -> ColumnElement[bool]:
    """Decisions of the actor's circle: owned by them or a leader they assist, or on
    whose team they are."""
    return decision_clause(IN_CIRCLE, who)


# --- the rule for one decision ---------------------------------------------------------


def facts_of(decision: Decision) -> DecisionFacts:
    return DecisionFacts(
        sensitivity=decision.sensitivity,
        embargo_lifts_at=decision.embargo_lifts_at,
        owner_person_id=decision.owner_person_id,
        team_user_ids=frozenset(member.id for member in decision.team),
    )


def holds(rule_: Rule, who: Who | None, decision: Decision, now: datetime | None = None) -> bool:
    actor = as_actor(who)
    return rule.evaluate(rule_, facts_of(decision), actor.viewer_facts(), now or utcnow())


def is_confidential(decision: Decision, now: datetime | None = None) -> bool:
    """Restricted, or embargoed and not yet lifted."""
    return rule.is_confidential(decision.sensitivity, decision.embargo_lifts_at, now or utcnow())


def in_circle(who: Who, decision: Decision) -> bool:
    """Owner, owner's PA or decision team member."""
    return holds(IN_CIRCLE, who, decision)


def can_see(who: Who | None, decision: Decision, now: datetime | None = None) -> bool:
    return holds(MAY_SEE, who, decision, now)


def can_edit(who: Who | None, decision: Decision) -> bool:
    """Admins; leaders and PAs who own, assist the owner or are on the decision team."""
    return holds(MAY_EDIT, who, decision)


def can_create(who: Who | None) -> bool:
    return as_actor(who).has_role(Role.ADMIN, Role.LEADER, Role.PA)


def can_waive(who: Who | None) -> bool:
    return as_actor(who).has_role(Role.ADMIN, Role.MANAGER)


def can_report_surprise(who: Who | None, decision: Decision) -> bool:
    return can_waive(who) or can_edit(who, decision)


# --- scoped loads ------------------------------------------------------------------------


def get_visible(
    who: Who | None, decision_id: int, options: Sequence[ORMOption] = ()
) -> Decision | None:
    """The decision if the actor may see it; None otherwise."""
    return db.session.scalar(
        select(Decision).where(Decision.id == decision_id, visible_clause(who)).options(*options)
    )


def require_visible(
    who: Who | None, decision_id: int, options: Sequence[ORMOption] = ()
) -> Decision:
    """The decision if the actor may see it; `NotFound` otherwise (also when it exists)."""
    decision = get_visible(who, decision_id, options)
    if decision is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return decision


def require_editable(
    who: Who | None, decision_id: int, options: Sequence[ORMOption] = ()
) -> Decision:
    """The decision if the actor may change it; `NotFound` if they may not see it,
    `Forbidden` if they may see but not change it."""
    decision = require_visible(who, decision_id, options)
    ensure_editable(who, decision)
    return decision


def ensure_editable(who: Who | None, decision: Decision) -> None:
    if not can_edit(who, decision):
        raise Forbidden(
            "Only the decision's owner, their PAs, the decision team and admins can change it."
        )


def ensure_visible(who: Who | None, decision: Decision) -> None:
    if not can_see(who, decision):
        raise NotFound(NOT_FOUND_MESSAGE)


# --- briefings: as confidential as the decisions they covered ---------------------------


def hidden_decision_ids(who: Who, now: datetime | None = None) -> Select[int]:
    """Ids of confidential decisions the actor may not see.

    Only restricted and embargoed decisions can be hidden: start from those (an index on
    sensitivity); CASE turns anything but a clear "visible" into "hidden". The subquery
    never correlates with an outer query's `decision`, so it means the same whatever the
    query it is used in joins.
    """
    return (
        select(Decision.id)
        .where(
            Decision.sensitivity.in_(sorted(CONFIDENTIAL_SENSITIVITIES)),
            case((visible_clause(who, now), 0), else_=1) == 1,
        )
        .correlate(None)
    )


def hidden_briefing_ids(who: Who, now: datetime | None = None) -> Select[int]:
    """Ids of briefings about a decision the actor may not see."""
    return (
        select(briefing_decision.c.briefing_id)
        .where(briefing_decision.c.decision_id.in_(hidden_decision_ids(who, now)))
        .correlate(None)
    )


def briefing_visible_clause(who: Who, now: datetime | None = None) -> ColumnElement[bool]:
    """True for briefings every decision of which the actor may see (or that have none).

    Safe in a query that joins `decision` or `briefing_decision` itself: the hidden ids
    are worked out on their own, not against the joined row.
    """
    return Briefing.id.not_in(hidden_briefing_ids(who, now))


def can_see_briefing(who: Who, briefing: Briefing, now: datetime | None = None) -> bool:
    return all(can_see(who, decision, now) for decision in briefing.decisions)
