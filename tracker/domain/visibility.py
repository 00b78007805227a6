"""Who may see and change a decision: the rule, written once.

The rule is a small expression over named facts (`Fact`), combined with `AnyOf` and
`AllOf`. `evaluate` reads it against plain values (`DecisionFacts`, `ViewerFacts`);
`tracker.services.visibility` compiles the very same expression to SQL, so lists, counts
and searches filter with the rule that `can_see` applies to one decision. A property test
(`tests/integration/test_visibility_rule.py`) proves the two readings agree on generated
decisions, users and circles, on SQLite and PostgreSQL.

Sensitivity: public and internal decisions are open to every signed-in user; restricted
ones, and embargoed ones until the embargo lifts, only to their circle (the owner, the
owner's PAs, the decision team) and admins. After its embargo lifts a decision counts as
internal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from tracker.domain.vocabulary import Role, Sensitivity

OPEN_SENSITIVITIES = frozenset({Sensitivity.PUBLIC.value, Sensitivity.INTERNAL.value})
#: Every other sensitivity (the check constraint allows no more): only these can hide.
CONFIDENTIAL_SENSITIVITIES = frozenset(s.value for s in Sensitivity) - OPEN_SENSITIVITIES

#: Roles that log decisions and briefings, and so may change the decisions of their circle.
EDITOR_ROLES = frozenset({Role.ADMIN.value, Role.LEADER.value, Role.PA.value})
#: Roles whose reports (the compliance dashboard) cover every decision they may see;
#: everyone else reports on the decisions of their own circle.
REPORTS_ON_ALL_ROLES = frozenset({Role.ADMIN.value, Role.MANAGER.value})


class Fact(enum.StrEnum):
    """One yes/no question about a viewer and a decision."""

    VIEWER_IS_ADMIN = "viewer_is_admin"
    VIEWER_EDITS = "viewer_edits"  # admin, leader or PA
    VIEWER_REPORTS_ON_ALL = "viewer_reports_on_all"  # admin or manager
    OPEN = "open"  # public or internal
    EMBARGO_LIFTED = "embargo_lifted"  # embargoed, and the lift time has passed
    OWNER_IN_CIRCLE = "owner_in_circle"  # the owner is the viewer's person or one they assist
    ON_TEAM = "on_team"  # the viewer is on the decision team


@dataclass(frozen=True)
class AnyOf:
    terms: tuple[Rule, ...]


@dataclass(frozen=True)
class AllOf:
    terms: tuple[Rule, ...]


Rule = Fact | AnyOf | AllOf


def any_of(*terms: Rule) -> AnyOf:
    return AnyOf(tuple(terms))


def all_of(*terms: Rule) -> AllOf:
    return AllOf(tuple(terms))


#: The decision's circle, as seen from one viewer.
IN_CIRCLE: Rule = any_of(Fact.OWNER_IN_CIRCLE, Fact.ON_TEAM)
#: Who may see a decision (its title, its partners, that it exists at all).
MAY_SEE: Rule = any_of(Fact.VIEWER_IS_ADMIN, Fact.OPEN, Fact.EMBARGO_LIFTED, IN_CIRCLE)
#: Who may change it: admins; leaders and PAs of its circle.
MAY_EDIT: Rule = any_of(Fact.VIEWER_IS_ADMIN, all_of(Fact.VIEWER_EDITS, IN_CIRCLE))
#: What a viewer's reports (compliance dashboard, risk list) cover.
IN_REPORTS: Rule = all_of(MAY_SEE, any_of(Fact.VIEWER_REPORTS_ON_ALL, IN_CIRCLE))


@dataclass(frozen=True)
class DecisionFacts:
    """What the rule needs to know about a decision."""

    sensitivity: str
    embargo_lifts_at: datetime | None
    owner_person_id: int
    team_user_ids: frozenset[int]


@dataclass(frozen=True)
class ViewerFacts:
    """What the rule needs to know about whoever is looking."""

    user_id: int
    role: str
    is_active: bool
    #: The people the viewer acts as: their own Person record and the leaders they assist.
    circle_person_ids: frozenset[int]


def is_confidential(sensitivity: str, embargo_lifts_at: datetime | None, now: datetime) -> bool:
    """Restricted, or embargoed and not yet lifted."""
    if sensitivity == Sensitivity.RESTRICTED.value:
        return True
    if sensitivity == Sensitivity.EMBARGOED.value:
        return embargo_lifts_at is None or embargo_lifts_at > now
    return False


def fact(name: Fact, decision: DecisionFacts, viewer: ViewerFacts | None, now: datetime) -> bool:
    """The answer to one question; a missing or disabled viewer answers no to all of them."""
    if viewer is None or not viewer.is_active:
        return False
    match name:
        case Fact.VIEWER_IS_ADMIN:
            return viewer.role == Role.ADMIN.value
        case Fact.VIEWER_EDITS:
            return viewer.role in EDITOR_ROLES
        case Fact.VIEWER_REPORTS_ON_ALL:
            return viewer.role in REPORTS_ON_ALL_ROLES
        case Fact.OPEN:
            return decision.sensitivity in OPEN_SENSITIVITIES
        case Fact.EMBARGO_LIFTED:
            return (
                decision.sensitivity == Sensitivity.EMBARGOED.value
                and decision.embargo_lifts_at is not None
                and decision.embargo_lifts_at <= now
            )
        case Fact.OWNER_IN_CIRCLE:
            return decision.owner_person_id in viewer.circle_person_ids
        case Fact.ON_TEAM:
            return viewer.user_id in decision.team_user_ids
    raise ValueError(f"unknown fact {name!r}")  # pragma: no cover - the enum is closed


def evaluate(
    rule: Rule, decision: DecisionFacts, viewer: ViewerFacts | None, now: datetime
) -> bool:
    if isinstance(rule, AnyOf):
        return any(evaluate(term, decision, viewer, now) for term in rule.terms)
    if isinstance(rule, AllOf):
        return all(evaluate(term, decision, viewer, now) for term in rule.terms)
    return fact(rule, decision, viewer, now)
