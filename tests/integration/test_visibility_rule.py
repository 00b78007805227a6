"""The visibility rule compiled to SQL selects exactly the decisions the Python reading of
the same rule allows, for generated decisions, users and circles (SQLite and PostgreSQL).

Every rule the services use is checked: may see (list clause and the one-statement
inline clause), may edit, in reports and in circle; and `can_see` / `can_edit` on the
loaded decisions agree with them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import insight_factories as f
from tests.conftest import empty_all_tables
from tracker.domain import visibility as rule
from tracker.extensions import db
from tracker.models import Decision, Role, Sensitivity, User
from tracker.services import visibility
from tracker.services.actor import Actor

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
RULES = {
    "may see": rule.MAY_SEE,
    "may edit": rule.MAY_EDIT,
    "in reports": rule.IN_REPORTS,
    "in circle": rule.IN_CIRCLE,
}


@dataclass(frozen=True)
class UserSpec:
    role: str
    active: bool
    has_person: bool
    assists: frozenset[int]  # indexes of people


@dataclass(frozen=True)
class DecisionSpec:
    sensitivity: str
    embargo_offset_hours: int | None  # relative to NOW; None for no lift time
    owner: int  # index of a person
    team: frozenset[int]  # indexes of users


PEOPLE = 4
USERS = 5

users_st = st.lists(
    st.builds(
        UserSpec,
        role=st.sampled_from([r.value for r in Role]),
        active=st.sampled_from([True, True, True, False]),
        has_person=st.booleans(),
        assists=st.frozensets(st.integers(0, PEOPLE - 1), max_size=2),
    ),
    min_size=USERS,
    max_size=USERS,
)
decisions_st = st.lists(
    st.builds(
        DecisionSpec,
        sensitivity=st.sampled_from([s.value for s in Sensitivity]),
        embargo_offset_hours=st.sampled_from([-48, -1, 0, 1, 48]),
        owner=st.integers(0, PEOPLE - 1),
        team=st.frozensets(st.integers(0, USERS - 1), max_size=2),
    ),
    min_size=1,
    max_size=8,
)


def _build(users: list[UserSpec], decisions: list[DecisionSpec]) -> tuple[list[User], list[int]]:
    org = f.organisation()
    stored_users = []
    for index, spec in enumerate(users):
        user = User(
            email=f"user{index}@example.org",
            display_name=f"User {index}",
            role=spec.role,
            password_hash="x",
            is_active=spec.active,
        )
        db.session.add(user)
        stored_users.append(user)
    db.session.flush()
    people = []
    for index in range(PEOPLE):
        # Person i belongs to user i when that user "has a person".
        owner_user = stored_users[index] if index < USERS and users[index].has_person else None
        people.append(f.person(org, f"Person {index}", user=owner_user))
    for user, spec in zip(stored_users, users, strict=True):
        for person_index in spec.assists:
            people[person_index].pas.append(user)
    decision_ids = []
    for index, spec in enumerate(decisions):
        lifts = (
            NOW + timedelta(hours=spec.embargo_offset_hours)
            if spec.sensitivity == Sensitivity.EMBARGOED.value
            else None
        )
        record = f.decision(
            people[spec.owner],
            f"Decision {index}",
            event_at=NOW + timedelta(days=30),
            sensitivity=spec.sensitivity,
            embargo_lifts_at=lifts,
            team=[stored_users[i] for i in spec.team],
        )
        decision_ids.append(record.id)
    db.session.commit()
    return stored_users, decision_ids


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(users=users_st, decisions=decisions_st)
def test_sql_and_python_readings_of_the_rule_agree(app, users, decisions):
    with app.app_context():
        try:
            stored_users, decision_ids = _build(users, decisions)
            loaded = list(db.session.scalars(select(Decision).where(Decision.id.in_(decision_ids))))
            for user in stored_users:
                actor = Actor.of(user)
                facts = actor.viewer_facts()
                for name, the_rule in RULES.items():
                    in_sql = set(
                        db.session.scalars(
                            select(Decision.id).where(
                                Decision.id.in_(decision_ids),
                                visibility.decision_clause(the_rule, actor, NOW),
                            )
                        )
                    )
                    in_python = {
                        d.id
                        for d in loaded
                        if rule.evaluate(the_rule, visibility.facts_of(d), facts, NOW)
                    }
                    assert in_sql == in_python, (name, user.role, user.is_active)
                    if the_rule is rule.MAY_SEE:
                        inline = set(
                            db.session.scalars(
                                select(Decision.id).where(
                                    Decision.id.in_(decision_ids),
                                    visibility.decision_clause(the_rule, actor, NOW, inline=True),
                                )
                            )
                        )
                        assert inline == in_sql, ("inline", user.role)
                        assert {d.id for d in loaded if visibility.can_see(actor, d, NOW)} == in_sql
                    if the_rule is rule.MAY_EDIT:
                        assert {d.id for d in loaded if visibility.can_edit(actor, d)} == in_sql
        finally:
            db.session.rollback()
            empty_all_tables(app)


def test_a_pa_demoted_to_viewer_no_longer_sees_the_leaders_restricted_decision(app):
    with app.app_context():
        org = f.organisation()
        leader = User(email="l@example.org", display_name="L", role="leader", password_hash="x")
        pa = User(email="p@example.org", display_name="P", role="pa", password_hash="x")
        db.session.add_all([leader, pa])
        db.session.flush()
        owner = f.person(org, "Owner", user=leader, pas=[pa])
        decision = f.decision(owner, event_at=NOW + timedelta(days=3), sensitivity="restricted")
        db.session.commit()
        assert visibility.can_see(pa, decision, NOW)
        pa.role = Role.VIEWER.value
        db.session.commit()
        assert not visibility.can_see(Actor.of(pa), decision, NOW)
        assert visibility.get_visible(pa, decision.id) is None


def test_briefing_clause_means_the_same_inside_a_query_that_joins_decisions(app):
    """A briefing about a public and a restricted decision stays hidden from someone
    outside the circle even when the query joins the briefing to the public decision."""
    from tracker.models import Briefing, briefing_decision

    with app.app_context():
        org = f.organisation()
        owner_user = User(email="o@example.org", display_name="O", role="leader", password_hash="x")
        other = User(email="x@example.org", display_name="X", role="leader", password_hash="x")
        db.session.add_all([owner_user, other])
        db.session.flush()
        owner = f.person(org, "Owner", user=owner_user)
        public = f.decision(owner, event_at=NOW + timedelta(days=3), sensitivity="public")
        secret = f.decision(owner, event_at=NOW + timedelta(days=3), sensitivity="restricted")
        briefing = f.briefing([owner], occurred_at=NOW, decisions=[public, secret])
        db.session.commit()
        joined = (
            select(Briefing.id)
            .join(briefing_decision, briefing_decision.c.briefing_id == Briefing.id)
            .join(Decision, Decision.id == briefing_decision.c.decision_id)
        )
        for who, expected in ((other, set()), (owner_user, {briefing.id})):
            for statement in (
                joined.where(Decision.id == public.id),
                select(Briefing.id),
            ):
                found = set(
                    db.session.scalars(
                        statement.where(visibility.briefing_visible_clause(who, NOW))
                    )
                )
                assert found == expected, (who.email, str(statement))
