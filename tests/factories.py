"""A small data factory for tests: organisations, people, decisions and briefings.

Every function works in the current app context and commits, so pages and other
clients see the rows. Decisions, partners and briefings are made through the services,
so brief-by dates, audit rows and requirement statuses are the real ones.

    with app.app_context():
        org = make_org("Northshire County Council")
        owner = make_person(org, "Dana Leader", user=leader, pas=[pa])
        decision = make_decision(actor=leader, owner=owner, partners=[partner])
        decision_id = decision.id  # keep ids: objects are detached after the context ends

Users are passed as `User` rows, ids, or anything with an `id` (conftest's UserInfo).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from tracker.domain.localtime import local_to_utc
from tracker.extensions import db
from tracker.models import (
    Briefing,
    BriefingRequirement,
    Channel,
    Decision,
    DecisionKind,
    DecisionStatus,
    Organisation,
    OrganisationType,
    Person,
    Sensitivity,
    User,
    utcnow,
)
from tracker.services import briefings as briefing_service
from tracker.services import decisions as decision_service

_counter = itertools.count(1)


class HasId(Protocol):
    id: int


UserLike = User | HasId | int


def _user(value: UserLike) -> User:
    user_id = value if isinstance(value, int) else value.id
    user = db.session.get(User, user_id)
    assert user is not None, f"no user {user_id}"
    return user


def _person(value: Person | int) -> Person:
    if isinstance(value, Person):
        return value
    person = db.session.get(Person, value)
    assert person is not None, f"no person {value}"
    return person


def london(day: date, at: str = "10:00") -> datetime:
    """The aware UTC instant of a London wall-clock time, e.g. london(date(2027, 3, 31))."""
    hour, minute = (int(part) for part in at.split(":"))
    return local_to_utc(day, time(hour, minute))


def make_org(
    name: str | None = None, *, org_type: OrganisationType | str = OrganisationType.ICB
) -> Organisation:
    name = name or f"Organisation {next(_counter)}"
    organisation = Organisation(
        name=name, name_key=name.lower(), org_type=OrganisationType(org_type).value
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_person(
    organisation: Organisation | None = None,
    name: str | None = None,
    *,
    user: UserLike | None = None,
    pas: Iterable[UserLike] = (),
    is_main_contact: bool = False,
    job_title: str | None = None,
    is_archived: bool = False,
) -> Person:
    """A person; `user` links their sign-in, `pas` are the PA users who assist them."""
    organisation = organisation or make_org()
    name = name or f"Person {next(_counter)}"
    person = Person(
        full_name=name,
        name_key=name.lower(),
        organisation=organisation,
        job_title=job_title,
        is_main_contact=is_main_contact,
        is_archived=is_archived,
        user_id=_user(user).id if user is not None else None,
    )
    db.session.add(person)
    person.pas = [_user(pa) for pa in pas]
    db.session.commit()
    return person


def make_decision(
    *,
    actor: UserLike,
    owner: Person | int,
    title: str | None = None,
    kind: DecisionKind | str = DecisionKind.ANNOUNCEMENT,
    event_at: datetime | None = None,
    lead_time: int | None = None,
    sensitivity: Sensitivity | str = Sensitivity.INTERNAL,
    embargo_lifts_at: datetime | None = None,
    status: DecisionStatus | str = DecisionStatus.PLANNED,
    partners: Sequence[Person | int] = (),
    partner_lead_time: int | None = None,
    team: Iterable[UserLike] = (),
    description: str | None = None,
    location: str | None = None,
) -> Decision:
    """A decision made by the service (audit row and all), with its partners added.

    `event_at` defaults to 30 days from now, `lead_time` to the admin policy for `kind`.
    """
    actor_user = _user(actor)
    kind = DecisionKind(kind).value
    sensitivity = Sensitivity(sensitivity).value
    if sensitivity == Sensitivity.EMBARGOED.value and embargo_lifts_at is None:
        embargo_lifts_at = (event_at or utcnow() + timedelta(days=30)) - timedelta(hours=1)
    decision = decision_service.create_decision(
        actor_user,
        decision_service.DecisionInput(
            title=title or f"Decision {next(_counter)}",
            kind=kind,
            owner_person_id=_person(owner).id,
            event_at=event_at or (utcnow() + timedelta(days=30)).replace(microsecond=0),
            lead_time=lead_time or decision_service.default_lead_time(kind),
            sensitivity=sensitivity,
            embargo_lifts_at=embargo_lifts_at,
            status=DecisionStatus(status).value,
            description=description,
            location=location,
            team_user_ids=[_user(member).id for member in team],
        ),
    )
    if partners:
        decision_service.add_partners(
            actor_user,
            decision,
            [
                decision_service.PartnerInput(
                    person_id=_person(p).id, lead_time_override=partner_lead_time
                )
                for p in partners
            ],
        )
    db.session.commit()
    return decision


def log_briefing(
    *,
    actor: UserLike,
    people: Sequence[Person | int],
    decisions: Sequence[Decision | int] = (),
    occurred_at: datetime | None = None,
    briefed_by: Person | int | None = None,
    on_behalf_of: Person | int | None = None,
    channel: Channel | str = Channel.MEETING,
    summary: str | None = None,
) -> Briefing:
    """A briefing logged through the service, so matching requirements become briefed."""
    briefing, _marked = briefing_service.log_briefing(
        _user(actor),
        briefing_service.BriefingInput(
            occurred_at=occurred_at or utcnow().replace(microsecond=0) - timedelta(minutes=1),
            channel=Channel(channel).value,
            person_ids=[_person(p).id for p in people],
            decision_ids=[d if isinstance(d, int) else d.id for d in decisions],
            briefed_by_person_id=_person(briefed_by).id if briefed_by is not None else None,
            on_behalf_of_person_id=_person(on_behalf_of).id if on_behalf_of is not None else None,
            summary=summary,
        ),
    )
    db.session.commit()
    return briefing


def requirements_of(decision_id: int) -> list[BriefingRequirement]:
    """A decision's requirements, freshly loaded, in page order."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(BriefingRequirement)
            .where(BriefingRequirement.decision_id == decision_id)
            .order_by(
                BriefingRequirement.update_round,
                BriefingRequirement.brief_by,
                BriefingRequirement.id,
            )
        )
    )


def requirement_for(decision_id: int, person_id: int, update_round: int = 0) -> BriefingRequirement:
    db.session.expire_all()
    requirement = db.session.scalar(
        select(BriefingRequirement).where(
            BriefingRequirement.decision_id == decision_id,
            BriefingRequirement.person_id == person_id,
            BriefingRequirement.update_round == update_round,
        )
    )
    assert requirement is not None
    return requirement


def backdate(obj: Any, **values: Any) -> None:
    """Set columns directly (e.g. created_at in the past) and commit: for time-based rules."""
    for name, value in values.items():
        setattr(obj, name, value)
    db.session.commit()


def days_ago(n: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=n)


# --- a cast of users, one per role and relationship ---------------------------------


class _UserFactory(Protocol):
    def __call__(self, role: Any = ..., **kwargs: Any) -> Any: ...


class Cast:
    """Users in every role and relationship to one owner, with people and partners.

    - `owner`: a leader whose Person is `owner_person`; `pa` assists them.
    - `team_member`: a leader put on decisions' teams by `decision(team=...)` callers.
    - `other_leader` (with their own Person) and `other_pa` (assisting them): unrelated.
    - `manager`, `viewer`, `admin`.
    - `partner_org` with `alice` (main contact), `bob` and `cara`: people to brief.
    User attributes are conftest UserInfo objects (plain values, with the password).
    """

    def __init__(self, make_user: _UserFactory) -> None:
        self.admin = make_user("admin", display_name="Ada Admin")
        self.owner = make_user("leader", display_name="Olu Owner")
        self.pa = make_user("pa", display_name="Pat Assistant")
        self.team_member = make_user("leader", display_name="Tara Team")
        self.other_leader = make_user("leader", display_name="Uma Unrelated")
        self.other_pa = make_user("pa", display_name="Otto OtherPA")
        self.manager = make_user("manager", display_name="Mo Manager")
        self.viewer = make_user("viewer", display_name="Vic Viewer")
        own_org = make_org("Northshire Integrated Care Board")
        self.own_org_id = own_org.id
        self.owner_person_id = make_person(
            own_org, "Olu Owner", user=self.owner, pas=[self.pa], job_title="Chief executive"
        ).id
        self.other_person_id = make_person(
            own_org, "Uma Unrelated", user=self.other_leader, pas=[self.other_pa]
        ).id
        self.team_person_id = make_person(own_org, "Tara Team", user=self.team_member).id
        partner_org = make_org("Northshire County Council", org_type="la_county")
        self.partner_org_id = partner_org.id
        self.alice_id = make_person(
            partner_org, "Alice Partner", is_main_contact=True, job_title="Leader"
        ).id
        self.bob_id = make_person(partner_org, "Bob Partner").id
        self.cara_id = make_person(partner_org, "Cara Partner").id

    def by_role(self, name: str) -> Any:
        return getattr(self, name)

    def decision(self, **kwargs: Any) -> Decision:
        kwargs.setdefault("actor", self.owner)
        kwargs.setdefault("owner", self.owner_person_id)
        return make_decision(**kwargs)
