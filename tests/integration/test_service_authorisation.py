"""The services decide who may, whoever calls them (a view, the API, the CLI, a job).

Every service function that loads or changes a decision, requirement or briefing is called
directly, without a page in front of it:

- as a user outside a restricted decision's circle: `NotFound`, exactly as if it did not
  exist (also when the caller already holds the object);
- on an internal decision, as someone who may see it but not do this: `Forbidden`;
- and nothing is written when it refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import Cast, log_briefing, requirement_for
from tracker.domain.errors import Forbidden, InvalidInput, NotFound
from tracker.domain.statuses import RequirementStatus
from tracker.extensions import db
from tracker.models import AuditEvent, Briefing, Decision, DecisionAccess, User, utcnow
from tracker.services import audit, briefings, decisions
from tracker.services.actor import Actor
from tracker.services.briefings import BriefingInput, NoSuchDecision
from tracker.services.decisions import DecisionInput, PartnerInput


@dataclass
class World:
    cast: Cast
    restricted_id: int
    restricted_requirement_id: int  # Alice, pending
    restricted_briefing_id: int  # Bob, about the restricted decision
    internal_id: int
    internal_requirement_id: int  # Alice, pending
    internal_briefing_id: int  # Bob, about the internal decision, logged by the owner


@pytest.fixture
def world(app: Flask, make_user: Any) -> World:
    with app.app_context():
        cast = Cast(make_user)
        restricted = cast.decision(
            title="Zephyr restricted hospital closure",
            sensitivity="restricted",
            partners=[cast.alice_id, cast.bob_id],
            team=[cast.team_member],
        )
        internal = cast.decision(
            title="Open internal consultation", partners=[cast.alice_id, cast.bob_id]
        )
        restricted_briefing = log_briefing(
            actor=cast.owner,
            people=[cast.bob_id],
            decisions=[restricted.id],
            briefed_by=cast.owner_person_id,
        )
        internal_briefing = log_briefing(
            actor=cast.owner,
            people=[cast.bob_id],
            decisions=[internal.id],
            briefed_by=cast.owner_person_id,
        )
        return World(
            cast=cast,
            restricted_id=restricted.id,
            restricted_requirement_id=requirement_for(restricted.id, cast.alice_id).id,
            restricted_briefing_id=restricted_briefing.id,
            internal_id=internal.id,
            internal_requirement_id=requirement_for(internal.id, cast.alice_id).id,
            internal_briefing_id=internal_briefing.id,
        )


# A call: (actor, world, decision id, requirement id, briefing id) -> anything.
Call = Callable[[User, World, int, int, int], object]


def _decision(decision_id: int) -> Decision:
    """Loaded with no check at all: the service must check even what it is handed."""
    decision = db.session.get(Decision, decision_id)
    assert decision is not None
    return decision


def _requirement(decision_id: int, requirement_id: int) -> Any:
    return next(r for r in _decision(decision_id).requirements if r.id == requirement_id)


def _briefing(briefing_id: int) -> Briefing:
    briefing = db.session.get(Briefing, briefing_id)
    assert briefing is not None
    return briefing


def _input(decision_id: int, **changes: Any) -> DecisionInput:
    return replace(DecisionInput.of(_decision(decision_id)), **changes)


def _briefing_input(w: World, decision_id: int) -> BriefingInput:
    return BriefingInput(
        occurred_at=utcnow().replace(microsecond=0) - timedelta(hours=1),
        channel="call",
        person_ids=[w.cast.alice_id],
        decision_ids=[decision_id],
        briefed_by_person_id=w.cast.owner_person_id,
    )


def _partners(w: World) -> list[PartnerInput]:
    return [PartnerInput(person_id=w.cast.cara_id)]


# Every service function that loads or changes a decision (or its requirements, surprises,
# history, briefings) for an actor.
DECISION_CALLS: dict[str, Call] = {
    "decisions.load_for_page": lambda a, w, d, r, b: decisions.load_for_page(a, d),
    "decisions.get_for_edit": lambda a, w, d, r, b: decisions.get_for_edit(a, d),
    "decisions.read_decision": lambda a, w, d, r, b: decisions.read_decision(a, d),
    "decisions.load_page": lambda a, w, d, r, b: decisions.load_page(a, d),
    "decisions.record_access": lambda a, w, d, r, b: decisions.record_access(a, _decision(d)),
    "decisions.update_decision(id)": lambda a, w, d, r, b: decisions.update_decision(
        a, d, _input(d, title="Leaked")
    ),
    "decisions.update_decision(decision)": lambda a, w, d, r, b: decisions.update_decision(
        a, _decision(d), _input(d, title="Leaked")
    ),
    "decisions.patch_decision": lambda a, w, d, r, b: decisions.patch_decision(
        a, d, {"title": "Leaked"}
    ),
    "decisions.partner_choices": lambda a, w, d, r, b: decisions.partner_choices(
        a, d, [w.cast.partner_org_id]
    ),
    "decisions.add_partners(id)": lambda a, w, d, r, b: decisions.add_partners(a, d, _partners(w)),
    "decisions.add_partners(decision)": lambda a, w, d, r, b: decisions.add_partners(
        a, _decision(d), _partners(w)
    ),
    "decisions.get_requirement_for_edit": lambda a, w, d, r, b: decisions.get_requirement_for_edit(
        a, d, r
    ),
    "decisions.update_requirement": lambda a, w, d, r, b: decisions.update_requirement(
        a, _requirement(d, r), reason="Leaked", lead_time_override=None
    ),
    "decisions.set_requirement_status(not required)": lambda a, w, d, r, b: (
        decisions.set_requirement_status(
            a, _requirement(d, r), RequirementStatus.NOT_REQUIRED, "Leaked"
        )
    ),
    "decisions.remove_requirement": lambda a, w, d, r, b: decisions.remove_requirement(
        a, _requirement(d, r)
    ),
    "briefings.start_log": lambda a, w, d, r, b: briefings.start_log(a, [d]),
    "briefings.log_briefing": lambda a, w, d, r, b: briefings.log_briefing(
        a, _briefing_input(w, d)
    ),
    "briefings.log_as_offered": lambda a, w, d, r, b: briefings.log_as_offered(
        a, _briefing_input(w, d)
    ),
}

# Only for what the decision's circle may see: reading is open to everyone who can see it.
HIDDEN_ONLY_CALLS: dict[str, Call] = {
    "decisions.get_requirement": lambda a, w, d, r, b: decisions.get_requirement(a, d, r),
    "decisions.status_options": lambda a, w, d, r, b: decisions.status_options(
        a, _requirement(d, r)
    ),
    "decisions.set_requirement_status(waived)": lambda a, w, d, r, b: (
        decisions.set_requirement_status(a, _requirement(d, r), RequirementStatus.WAIVED, "x")
    ),
    "decisions.set_requirement_status(pending)": lambda a, w, d, r, b: (
        decisions.set_requirement_status(a, _requirement(d, r), RequirementStatus.PENDING, None)
    ),
    "decisions.surprise_people": lambda a, w, d, r, b: decisions.surprise_people(a, d),
    "decisions.record_surprise": lambda a, w, d, r, b: decisions.record_surprise(
        a, d, person_id=w.cast.alice_id, reported_at=utcnow(), what="Leaked"
    ),
    "audit.history_for_decision": lambda a, w, d, r, b: audit.history_for_decision(a, _decision(d)),
}

BRIEFING_CALLS: dict[str, Call] = {
    "briefings.get": lambda a, w, d, r, b: briefings.get(a, b),
    "briefings.get_for_edit": lambda a, w, d, r, b: briefings.get_for_edit(a, b),
    "briefings.update_briefing(id)": lambda a, w, d, r, b: briefings.update_briefing(
        a, b, _briefing_input(w, d)
    ),
    "briefings.update_briefing(briefing)": lambda a, w, d, r, b: briefings.update_briefing(
        a, _briefing(b), _briefing_input(w, d)
    ),
    "briefings.update_details": lambda a, w, d, r, b: briefings.update_details(
        a, b, {"summary": "Leaked"}
    ),
}

OUTSIDERS = ["other_leader", "other_pa", "manager", "viewer"]
# Logging a briefing asks for the role first (as the API always has): a role that logs
# none is refused before any decision is looked at.
ROLE_FIRST = {"briefings.log_briefing", "briefings.log_as_offered"}


def _user(app: Flask, world: World, role: str) -> User:
    user = db.session.get(User, world.cast.by_role(role).id)
    assert user is not None
    return user


def _writes() -> tuple[int, int]:
    db.session.flush()
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    access_rows = db.session.scalar(select(func.count()).select_from(DecisionAccess)) or 0
    return audit_rows, access_rows


def _refused(call: Call, user: User, world: World, *ids: int, error: type[Exception]) -> None:
    before = _writes()
    with pytest.raises(error) as raised:
        call(user, world, *ids)
    assert _writes() == before, "a refused call wrote something"
    if error is Forbidden:
        assert not isinstance(raised.value, NotFound)


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize(
    "name", [*DECISION_CALLS, *HIDDEN_ONLY_CALLS, *BRIEFING_CALLS], ids=lambda name: name
)
def test_outside_the_circle_a_restricted_decision_is_not_found(
    app: Flask, world: World, role: str, name: str
) -> None:
    call = {**DECISION_CALLS, **HIDDEN_ONLY_CALLS, **BRIEFING_CALLS}[name]
    with app.app_context():
        ids = (world.restricted_id, world.restricted_requirement_id, world.restricted_briefing_id)
        if name in ROLE_FIRST and role in {"manager", "viewer"}:
            # Their role logs no briefings at all: the same refusal whatever the decision,
            # so it tells them nothing about this one.
            user = _user(app, world, role)
            _refused(call, user, world, *ids, error=Forbidden)
            with pytest.raises(Forbidden) as hidden:
                call(user, world, *ids)
            with pytest.raises(Forbidden) as missing:
                call(user, world, 999_999, 999_999, 999_999)
            assert str(hidden.value) == str(missing.value)
            return
        _refused(call, _user(app, world, role), world, *ids, error=NotFound)
        # As an actor acting through an API token, too.
        _refused(call, Actor.of(_user(app, world, role)), world, *ids, error=NotFound)


def test_a_decision_the_actor_may_not_see_is_named_like_one_that_does_not_exist(
    app: Flask, world: World
) -> None:
    """Logging a briefing about it is a field error (the API's 422) and a NotFound."""
    with app.app_context():
        user = _user(app, world, "other_leader")
        for decision_id in (world.restricted_id, 999_999):
            with pytest.raises(NoSuchDecision) as raised:
                briefings.log_briefing(user, _briefing_input(world, decision_id))
            assert isinstance(raised.value, InvalidInput)
            assert raised.value.field == "decision_ids"
            assert str(raised.value) == f"There is no decision with id {decision_id}."


READS = {
    "decisions.load_for_page",
    "decisions.read_decision",
    "decisions.load_page",
    "decisions.record_access",
}
# Who may see the internal decision but not do this, for every call that changes it.
SEE_BUT_NOT_CHANGE = ["other_leader", "other_pa", "manager", "viewer"]


@pytest.mark.parametrize("role", SEE_BUT_NOT_CHANGE)
@pytest.mark.parametrize(
    "name",
    [name for name in DECISION_CALLS if name not in READS],
    ids=lambda name: name,
)
def test_who_may_see_but_not_change_is_forbidden(
    app: Flask, world: World, role: str, name: str
) -> None:
    with app.app_context():
        ids = (world.internal_id, world.internal_requirement_id, world.internal_briefing_id)
        _refused(DECISION_CALLS[name], _user(app, world, role), world, *ids, error=Forbidden)


@pytest.mark.parametrize("role", ["other_leader", "other_pa", "manager", "viewer", "pa"])
@pytest.mark.parametrize("name", list(BRIEFING_CALLS)[1:], ids=lambda name: name)
def test_only_whoever_logged_a_briefing_or_an_admin_may_correct_it(
    app: Flask, world: World, role: str, name: str
) -> None:
    with app.app_context():
        ids = (world.internal_id, world.internal_requirement_id, world.internal_briefing_id)
        _refused(BRIEFING_CALLS[name], _user(app, world, role), world, *ids, error=Forbidden)


@pytest.mark.parametrize(
    ("role", "name", "refused"),
    [
        ("viewer", "decisions.get_requirement", False),  # reading a requirement is open
        ("viewer", "audit.history_for_decision", False),
        ("manager", "decisions.status_options", False),  # managers waive
        ("manager", "decisions.set_requirement_status(waived)", False),
        ("manager", "decisions.surprise_people", False),  # and record surprises
        ("manager", "decisions.record_surprise", False),
        ("viewer", "decisions.status_options", True),
        ("viewer", "decisions.set_requirement_status(pending)", True),
        ("other_leader", "decisions.set_requirement_status(waived)", True),
        ("viewer", "decisions.surprise_people", True),
        ("viewer", "decisions.record_surprise", True),
    ],
)
def test_status_and_surprise_rights_are_decided_by_the_service(
    app: Flask, world: World, role: str, name: str, refused: bool
) -> None:
    with app.app_context():
        ids = (world.internal_id, world.internal_requirement_id, world.internal_briefing_id)
        user = _user(app, world, role)
        if refused:
            _refused(HIDDEN_ONLY_CALLS[name], user, world, *ids, error=Forbidden)
        else:
            HIDDEN_ONLY_CALLS[name](user, world, *ids)


@pytest.mark.parametrize("role", ["manager", "viewer"])
def test_roles_that_cannot_log_are_refused_by_the_service(
    app: Flask, world: World, role: str
) -> None:
    with app.app_context():
        user = _user(app, world, role)
        data = DecisionInput(
            title="Mine",
            kind="other",
            owner_person_id=world.cast.owner_person_id,
            event_at=utcnow() + timedelta(days=30),
        )
        for call in (
            lambda: decisions.create_decision(user, data),
            lambda: decisions.log_decision(user, data),
            lambda: briefings.start_log(user, []),
            lambda: briefings.log_briefing(
                user, BriefingInput(occurred_at=utcnow(), channel="call", person_ids=[1])
            ),
        ):
            with pytest.raises(Forbidden):
                call()


@pytest.mark.parametrize("role", ["owner", "pa", "manager"])
def test_only_admins_change_the_lead_time_policy_and_recompute(
    app: Flask, world: World, role: str
) -> None:
    with app.app_context():
        user = _user(app, world, role)
        with pytest.raises(Forbidden):
            decisions.set_lead_time_policy(user, {"announcement": 7})
        with pytest.raises(Forbidden):
            decisions.recompute_future_pending(user)
        admin = _user(app, world, "admin")
        decisions.set_lead_time_policy(admin, {"announcement": 7})
        assert decisions.recompute_future_pending(Actor.job()) >= 0


@pytest.mark.parametrize("role", ["owner", "pa", "team_member", "admin"])
def test_the_circle_may_do_everything(app: Flask, world: World, role: str) -> None:
    """The same calls succeed for the circle and admins (so the refusals above are not
    refusals of everyone)."""
    with app.app_context():
        user = _user(app, world, role)
        d, r = world.restricted_id, world.restricted_requirement_id
        assert decisions.load_page(user, d).decision.id == d
        assert decisions.get_for_edit(user, d).id == d
        assert decisions.partner_choices(user, d, [world.cast.partner_org_id]).groups
        decisions.update_requirement(
            user,
            decisions.get_requirement_for_edit(user, d, r),
            reason="Why",
            lead_time_override=None,
        )
        decisions.patch_decision(user, d, {"title": "Zephyr, renamed"})
        assert briefings.start_log(user, [d]).decisions[0].id == d
        assert briefings.get(user, world.restricted_briefing_id).id == world.restricted_briefing_id
        decisions.add_partners(user, d, [PartnerInput(person_id=world.cast.cara_id)])
        db.session.rollback()
