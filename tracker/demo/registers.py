"""Demo registers: one fictional integrated care system, "Northshire and Wexley".

Everything is generated from fixed tables (the organisations and their roles are in
`northshire.toml`) and a fixed random seed, so every run builds the same organisations
and people, and a re-run adds only what is missing.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from tracker.domain.registers import name_key
from tracker.domain.vocabulary import OrganisationType, ProfessionalGroup
from tracker.extensions import db
from tracker.models import Organisation, Person, User
from tracker.services import organisations as organisation_service
from tracker.services import people as people_service
from tracker.services.actor import Actor

SEED = 20240417


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    org_type: OrganisationType
    slug: str
    ods_code: str | None
    roles: tuple[tuple[str, ProfessionalGroup], ...]


def _read_organisations() -> tuple[DemoOrganisation, ...]:
    data = tomllib.loads((Path(__file__).parent / "northshire.toml").read_text("utf-8"))
    roles = {
        key: tuple((title, ProfessionalGroup(group)) for title, group in pairs)
        for key, pairs in data["roles"].items()
    }
    return tuple(
        DemoOrganisation(
            name=entry["name"],
            org_type=OrganisationType(entry["type"]),
            slug=entry["slug"],
            ods_code=entry.get("ods_code"),
            roles=roles[entry["roles"]],
        )
        for entry in data["organisation"]
    )


ORGANISATIONS = _read_organisations()

FIRST_NAMES = (
    "Aisha", "Alan", "Amrit", "Andrew", "Beth", "Bilal", "Caroline", "Chidi", "Claire", "Daniel",
    "Deborah", "Eleanor", "Emeka", "Fiona", "Gareth", "Grace", "Hannah", "Harpreet", "Ian",
    "Imran", "Jane", "Joanne", "Jonathan", "Karen", "Kwame", "Laura", "Lucy", "Mark", "Mei",
    "Michael", "Nadia", "Neil", "Olivia", "Owen", "Priya", "Rachel", "Rhys", "Ruth", "Samir",
    "Sarah", "Siobhan", "Simon", "Tariq", "Tom", "Victoria", "Wendy", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Ahmed", "Bennett", "Brennan", "Carter", "Chaudhry", "Clarke", "Davies", "Dlamini",
    "Edwards", "Evans", "Fletcher", "Foster", "Gallagher", "Green", "Hughes", "Iqbal", "Jackson",
    "Kaur", "Kelly", "Khan", "Lewis", "Lin", "MacLeod", "Mensah", "Mitchell", "Murphy", "Nowak",
    "Obi", "O’Brien", "Patel", "Phillips", "Price", "Rahman", "Roberts", "Shah", "Singh",
    "Stewart", "Taylor", "Thompson", "Turner", "Walker", "Ward", "Watson", "Williams", "Wright",
)  # fmt: skip

LEADER_EMAIL = "leader@example.org"
PA_EMAIL = "pa@example.org"


@dataclass(frozen=True)
class DemoPerson:
    organisation: str
    full_name: str
    job_title: str
    email: str
    phone: str
    professional_group: ProfessionalGroup
    influence: int
    interest: int
    is_main_contact: bool


def demo_people(leader_name: str) -> list[DemoPerson]:
    """The same list every time: names drawn with a fixed seed, no name used twice."""
    rng = random.Random(SEED)  # noqa: S311 (made-up demo data, not security)
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    people: list[DemoPerson] = []
    for organisation in ORGANISATIONS:
        for index, (title, group) in enumerate(organisation.roles):
            if organisation.org_type == OrganisationType.ICB and index == 0:
                # The demo leader is the ICB's chief executive.
                full_name = leader_name
                email = LEADER_EMAIL
            else:
                first, last = names.pop()
                full_name = f"{first} {last}"
                local = f"{first}.{last}".lower().replace("’", "")
                email = f"{local}@{organisation.slug}.example.org"
            senior = index == 0 or title in {"Chair", "Leader of the Council"}
            people.append(
                DemoPerson(
                    organisation=organisation.name,
                    full_name=full_name,
                    job_title=title,
                    email=email,
                    phone=f"01632 {rng.randint(960000, 960999)}",  # Ofcom's drama range
                    professional_group=group,
                    influence=rng.randint(4, 5) if senior else rng.randint(1, 4),
                    interest=rng.randint(1, 5),
                    is_main_contact=index == 0,
                )
            )
    return people


def load(users: list[User]) -> tuple[int, int]:
    """Add the demo organisations and people that are missing. Returns how many were added."""
    by_email = {user.email: user for user in users}
    leader = by_email.get(LEADER_EMAIL)
    organisations, orgs_added = _load_organisations()
    leader_name = leader.display_name if leader else "Lee Leader"
    leader_person, people_added = _load_people(organisations, leader_name)
    if leader_person is not None and leader is not None:
        _link_leader(leader_person, leader, by_email.get(PA_EMAIL))
    return orgs_added, people_added


def _load_organisations() -> tuple[dict[str, Organisation], int]:
    """Every demo organisation by name key (existing or added), and how many were added."""
    system = Actor.job()  # the demo data acts for nobody in particular
    existing = {
        organisation.name_key: organisation
        for organisation in db.session.scalars(select(Organisation))
    }
    added = 0
    for demo in ORGANISATIONS:
        if name_key(demo.name) in existing:
            continue
        code = (
            demo.ods_code
            if demo.ods_code and not organisation_service.get_by_ods_code(demo.ods_code)
            else None
        )
        existing[name_key(demo.name)] = organisation_service.create(
            system,
            organisation_service.OrganisationData(
                name=demo.name,
                org_type=demo.org_type.value,
                ods_code=code,
                website=f"https://www.{demo.slug}.example.org",
            ),
        )
        added += 1
    return existing, added


def _load_people(
    organisations: dict[str, Organisation], leader_name: str
) -> tuple[Person | None, int]:
    """Add the missing demo people; the demo leader's Person record, and how many were added."""
    system = Actor.job()  # the demo data acts for nobody in particular
    known_emails = set(db.session.scalars(select(Person.email).where(Person.email.is_not(None))))
    added = 0
    leader_person: Person | None = None
    for demo in demo_people(leader_name):
        organisation = organisations[name_key(demo.organisation)]
        if demo.email in known_emails:
            if demo.email == LEADER_EMAIL:
                leader_person = people_service.get_by_email(LEADER_EMAIL)
            continue
        if people_service.get_by_name_in(organisation.id, demo.full_name) is not None:
            continue  # someone added this person by hand; leave them be
        if organisation.is_archived:
            continue  # someone archived the organisation; nobody new joins it
        person = people_service.create(
            system,
            people_service.PersonData(
                full_name=demo.full_name,
                organisation_id=organisation.id,
                job_title=demo.job_title,
                email=demo.email,
                phone=demo.phone,
                professional_group=demo.professional_group.value,
                influence=demo.influence,
                interest=demo.interest,
                is_main_contact=demo.is_main_contact,
            ),
        )
        known_emails.add(demo.email)
        added += 1
        if demo.email == LEADER_EMAIL:
            leader_person = person
    return leader_person, added


def _link_leader(leader_person: Person, leader: User, pa: User | None) -> None:
    """The demo leader signs in as their Person record, and the demo PA assists them."""
    system = Actor.job()
    if leader_person.user_id is None and people_service.person_for_user(leader) is None:
        people_service.set_linked_user(system, leader_person, leader.id)
    if pa is not None and pa not in leader_person.pas:
        people_service.set_pas(system, leader_person, [*(u.id for u in leader_person.pas), pa.id])
