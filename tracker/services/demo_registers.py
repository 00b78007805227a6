"""Demo registers: one fictional integrated care system, "Northshire and Wexley".

Everything is generated from fixed tables and a fixed random seed, so every run builds
the same organisations and people, and a re-run adds only what is missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from tracker.domain.registers import name_key
from tracker.extensions import db
from tracker.models import Organisation, OrganisationType, Person, ProfessionalGroup, User
from tracker.services import organisations as organisation_service
from tracker.services import people as people_service
from tracker.services.actor import Actor

SEED = 20240417

T = OrganisationType
G = ProfessionalGroup


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    org_type: OrganisationType
    slug: str
    ods_code: str | None
    roles: tuple[tuple[str, ProfessionalGroup], ...]


_ACUTE = (
    ("Chief Executive", G.EXECUTIVE),
    ("Chair", G.EXECUTIVE),
    ("Medical Director", G.CLINICAL),
    ("Chief Nurse", G.NURSING),
    ("Director of Finance", G.FINANCE),
    ("Chief Operating Officer", G.OPERATIONS),
)
_DISTRICT = (
    ("Chief Executive", G.EXECUTIVE),
    ("Leader of the Council", G.ELECTED_MEMBER),
    ("Head of Housing and Communities", G.OPERATIONS),
)
_PCN = (("Clinical Director", G.CLINICAL), ("PCN Manager", G.OPERATIONS))
_VCSE = (("Chief Executive", G.EXECUTIVE), ("Head of Partnerships", G.COMMUNICATIONS))
_HEALTHWATCH = (("Chief Executive", G.EXECUTIVE), ("Chair", G.EXECUTIVE))

ORGANISATIONS = (
    DemoOrganisation(
        "NHS Northshire and Wexley Integrated Care Board",
        T.ICB,
        "northshirewexley-icb",
        "ZNW",
        (
            ("Chief Executive", G.EXECUTIVE),
            ("Chair", G.EXECUTIVE),
            ("Chief Finance Officer", G.FINANCE),
            ("Chief Nursing Officer", G.NURSING),
            ("Chief Medical Officer", G.CLINICAL),
            ("Director of Communications and Engagement", G.COMMUNICATIONS),
            ("Director of Primary Care", G.OPERATIONS),
            ("Director of Strategy and Partnerships", G.EXECUTIVE),
        ),
    ),
    DemoOrganisation(
        "Northshire Hospitals NHS Foundation Trust",
        T.TRUST_ACUTE,
        "northshire-hospitals",
        "ZN1",
        _ACUTE,
    ),
    DemoOrganisation(
        "Wexley General Hospital NHS Trust", T.TRUST_ACUTE, "wexley-general", "ZW1", _ACUTE
    ),
    DemoOrganisation(
        "Northshire and Wexley Mental Health NHS Foundation Trust",
        T.TRUST_MENTAL_HEALTH,
        "nw-mentalhealth",
        "ZN2",
        (
            ("Chief Executive", G.EXECUTIVE),
            ("Medical Director", G.CLINICAL),
            ("Director of Nursing and Quality", G.NURSING),
            ("Chief Operating Officer", G.OPERATIONS),
        ),
    ),
    DemoOrganisation(
        "Northshire Community Health NHS Trust",
        T.TRUST_COMMUNITY,
        "northshire-community",
        "ZN3",
        (
            ("Chief Executive", G.EXECUTIVE),
            ("Director of Nursing", G.NURSING),
            ("Director of Finance", G.FINANCE),
        ),
    ),
    DemoOrganisation(
        "Shires and Vale Ambulance Service NHS Foundation Trust",
        T.TRUST_AMBULANCE,
        "shiresvale-ambulance",
        "ZA1",
        (
            ("Chief Executive", G.EXECUTIVE),
            ("Director of Operations", G.OPERATIONS),
            ("Medical Director", G.CLINICAL),
        ),
    ),
    DemoOrganisation(
        "Northshire County Council",
        T.LA_COUNTY,
        "northshire-cc",
        None,
        (
            ("Chief Executive", G.EXECUTIVE),
            ("Leader of the Council", G.ELECTED_MEMBER),
            ("Cabinet Member for Adult Social Care", G.ELECTED_MEMBER),
            ("Director of Adult Social Services", G.SOCIAL_CARE),
            ("Director of Public Health", G.PUBLIC_HEALTH),
            ("Director of Children’s Services", G.SOCIAL_CARE),
        ),
    ),
    DemoOrganisation(
        "Wexley Borough Council",
        T.LA_UNITARY,
        "wexley-bc",
        None,
        (
            ("Chief Executive", G.EXECUTIVE),
            ("Leader of the Council", G.ELECTED_MEMBER),
            ("Director of Adult Social Care", G.SOCIAL_CARE),
            ("Director of Public Health", G.PUBLIC_HEALTH),
            ("Head of Communications", G.COMMUNICATIONS),
        ),
    ),
    DemoOrganisation("Fenmoor District Council", T.LA_DISTRICT, "fenmoor-dc", None, _DISTRICT),
    DemoOrganisation(
        "Kingsbridge District Council", T.LA_DISTRICT, "kingsbridge-dc", None, _DISTRICT
    ),
    DemoOrganisation("Ashvale District Council", T.LA_DISTRICT, "ashvale-dc", None, _DISTRICT),
    DemoOrganisation(
        "North Wexley Primary Care Network", T.PCN_GP_FEDERATION, "northwexley-pcn", "ZP1", _PCN
    ),
    DemoOrganisation(
        "Fenmoor Rural Primary Care Network", T.PCN_GP_FEDERATION, "fenmoor-pcn", "ZP2", _PCN
    ),
    DemoOrganisation(
        "Northshire GP Federation",
        T.PCN_GP_FEDERATION,
        "northshire-gpfed",
        None,
        (("Chief Executive", G.EXECUTIVE), ("Medical Director", G.CLINICAL)),
    ),
    DemoOrganisation("Northshire Voluntary Action", T.VCSE, "northshire-va", None, _VCSE),
    DemoOrganisation("Wexley Carers Centre", T.VCSE, "wexley-carers", None, _VCSE),
    DemoOrganisation("Age Well Northshire", T.VCSE, "agewell-northshire", None, _VCSE),
    DemoOrganisation("Healthwatch Northshire", T.HEALTHWATCH, "hw-northshire", None, _HEALTHWATCH),
    DemoOrganisation("Healthwatch Wexley", T.HEALTHWATCH, "hw-wexley", None, _HEALTHWATCH),
    DemoOrganisation(
        "NHS England – Shires region",
        T.NHSE_REGION,
        "nhse-shires",
        "ZY1",
        (
            ("Regional Director", G.EXECUTIVE),
            ("Regional Director of Strategic Transformation", G.OPERATIONS),
            ("Head of Regional Communications", G.COMMUNICATIONS),
        ),
    ),
    DemoOrganisation(
        "Northshire Police",
        T.OTHER_PUBLIC_BODY,
        "northshire-police",
        None,
        (("Chief Constable", G.EXECUTIVE), ("Superintendent for Partnerships", G.OPERATIONS)),
    ),
    DemoOrganisation(
        "Northshire and Wexley Fire and Rescue Service",
        T.OTHER_PUBLIC_BODY,
        "nw-fire",
        None,
        (("Chief Fire Officer", G.EXECUTIVE), ("Head of Prevention", G.OPERATIONS)),
    ),
    DemoOrganisation(
        "University of Northshire",
        T.UNIVERSITY_RESEARCH,
        "northshire-ac",
        None,
        (("Vice-Chancellor", G.EXECUTIVE), ("Dean of Health Sciences", G.CLINICAL)),
    ),
    DemoOrganisation(
        "Northshire Health Innovation Partnership",
        T.UNIVERSITY_RESEARCH,
        "northshire-hip",
        None,
        (("Managing Director", G.EXECUTIVE),),
    ),
    DemoOrganisation(
        "Wexley Housing Partnership",
        T.OTHER,
        "wexley-housing",
        None,
        (("Chief Executive", G.EXECUTIVE),),
    ),
)

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
            if organisation.org_type == T.ICB and index == 0:
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
    pa = by_email.get(PA_EMAIL)
    leader_name = leader.display_name if leader else "Lee Leader"

    system = Actor.job()  # the demo data acts for nobody in particular
    existing_orgs = {
        organisation.name_key: organisation
        for organisation in db.session.scalars(select(Organisation))
    }
    orgs_added = 0
    for demo in ORGANISATIONS:
        if name_key(demo.name) in existing_orgs:
            continue
        code = (
            demo.ods_code
            if demo.ods_code and not organisation_service.get_by_ods_code(demo.ods_code)
            else None
        )
        existing_orgs[name_key(demo.name)] = organisation_service.create(
            system,
            organisation_service.OrganisationData(
                name=demo.name,
                org_type=demo.org_type.value,
                ods_code=code,
                website=f"https://www.{demo.slug}.example.org",
            ),
        )
        orgs_added += 1

    known_emails = set(db.session.scalars(select(Person.email).where(Person.email.is_not(None))))
    people_added = 0
    leader_person: Person | None = None
    for demo in demo_people(leader_name):
        organisation = existing_orgs[name_key(demo.organisation)]
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
        people_added += 1
        if demo.email == LEADER_EMAIL:
            leader_person = person

    if leader_person is not None and leader is not None:
        if leader_person.user_id is None and people_service.person_for_user(leader) is None:
            people_service.set_linked_user(system, leader_person, leader.id)
        if pa is not None and pa not in leader_person.pas:
            people_service.set_pas(
                system, leader_person, [*(u.id for u in leader_person.pas), pa.id]
            )
    return orgs_added, people_added
