"""A small fixed data set with hand-worked outcomes, for the compliance dashboard tests.

Q1 2025 (1 January to 31 March, London dates). All events are in the past, so pending
requirements are "not briefed" whatever the clock says.

| decision | owner | sensitivity | status | requirements (outcome) | counted? |
| D1 Budget | Lee | internal | planned | Carla on time, Tess on time | yes: achieved |
| D2 Clinic move | Lee | internal | held | Carla late, Vic not briefed, Colin not req. | failed |
| D3 Merger | Lee | restricted | held | Tess same day, Colin on time; Tess surprised | failed |
| D4 Transport | Oona | internal | held | Vic after the event, Carla waived | yes: failed |
| D5 No partners | Lee | internal | held | none | yes: no partners |
| D6 Draft | Lee | internal | draft | Carla not briefed | no (draft) |
| D7 Cancelled | Lee | internal | cancelled | Carla not briefed | no (cancelled) |
| D8 April | Lee | internal | planned | Carla on time | no: 00:30 BST on 1 April (31 March in UTC) |
| D10 Consultation | Oona | internal | planned | Colin pending (brief by 2025-04-03) | no: April |

Organisations: Northshire Council (la_unitary: Carla, Colin), Riverside Hospitals NHS Trust
(trust_acute: Tess), Voluntary Action Northshire (vcse: Vic).
The viewer is on D1's team; the PA assists Lee; the manager is in no decision's circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tests import insight_factories as f
from tracker.extensions import db
from tracker.models import Role


@dataclass
class Dataset:
    users: dict[str, object]  # role name → UserInfo
    decisions: dict[str, int]
    people: dict[str, int]
    organisations: dict[str, int]


def build(app, make_user) -> Dataset:  # type: ignore[no-untyped-def]
    users = {
        "admin": make_user(Role.ADMIN),
        "manager": make_user(Role.MANAGER),
        "viewer": make_user(Role.VIEWER),
        "leader": make_user(Role.LEADER, display_name="Lee Leader"),
        "pa": make_user(Role.PA),
        "leader2": make_user(Role.LEADER, display_name="Oona Other"),
    }
    with app.app_context():
        council = f.organisation("Northshire Council", "la_unitary")
        trust = f.organisation("Riverside Hospitals NHS Trust", "trust_acute")
        vcse = f.organisation("Voluntary Action Northshire", "vcse")
        home = f.organisation("Northshire ICB", "icb")
        lee = f.person(
            home, "Lee Leader", user=f.user(users["leader"].id), pas=[f.user(users["pa"].id)]
        )
        oona = f.person(home, "Oona Other", user=f.user(users["leader2"].id))
        carla = f.person(council, "Carla Council", influence=5, interest=5)
        colin = f.person(council, "Colin Council", influence=4, interest=2)
        tess = f.person(trust, "Tess Trust", influence=2, interest=5)
        vic = f.person(vcse, "Vic Voluntary", influence=1, interest=1)

        d1 = f.decision(
            lee, "Budget", event_at=f.utc(2025, 2, 10, 10), team=[f.user(users["viewer"].id)]
        )
        f.requirement(
            d1, carla, brief_by=date(2025, 2, 3), status="briefed",
            first_briefed_at=f.utc(2025, 2, 3, 9),
        )  # fmt: skip
        f.requirement(
            d1, tess, brief_by=date(2025, 2, 3), status="briefed",
            first_briefed_at=f.utc(2025, 1, 30, 15),
        )  # fmt: skip

        d2 = f.decision(lee, "Clinic move", event_at=f.utc(2025, 3, 5, 14), status="held")
        f.requirement(
            d2, carla, brief_by=date(2025, 2, 26), status="briefed",
            first_briefed_at=f.utc(2025, 3, 3, 11),
        )  # fmt: skip
        f.requirement(d2, vic, brief_by=date(2025, 2, 26))
        f.requirement(d2, colin, brief_by=date(2025, 2, 26), status="not_required")

        d3 = f.decision(
            lee, "Merger", event_at=f.utc(2025, 3, 20, 9), sensitivity="restricted", status="held"
        )
        f.requirement(
            d3, tess, brief_by=date(2025, 3, 13), status="briefed",
            first_briefed_at=f.utc(2025, 3, 20, 8),
        )  # fmt: skip
        f.requirement(
            d3, colin, brief_by=date(2025, 3, 13), status="briefed",
            first_briefed_at=f.utc(2025, 3, 12, 10),
        )  # fmt: skip
        f.surprise(d3, tess, reported_at=f.utc(2025, 3, 21, 10))

        d4 = f.decision(oona, "Transport", event_at=f.utc(2025, 1, 15, 12), status="held")
        f.requirement(
            d4, vic, brief_by=date(2025, 1, 8), status="briefed",
            first_briefed_at=f.utc(2025, 1, 16, 9),
        )  # fmt: skip
        f.requirement(d4, carla, brief_by=date(2025, 1, 8), status="waived")

        d5 = f.decision(lee, "No partners", event_at=f.utc(2025, 2, 20, 10), status="held")
        d6 = f.decision(lee, "Draft", event_at=f.utc(2025, 2, 1, 10), status="draft")
        f.requirement(d6, carla, brief_by=date(2025, 1, 24))
        d7 = f.decision(lee, "Cancelled", event_at=f.utc(2025, 2, 2, 10), status="cancelled")
        f.requirement(d7, carla, brief_by=date(2025, 1, 24))
        d8 = f.decision(lee, "April", event_at=f.utc(2025, 3, 31, 23, 30))
        f.requirement(
            d8, carla, brief_by=date(2025, 3, 24), status="briefed",
            first_briefed_at=f.utc(2025, 3, 20, 9),
        )  # fmt: skip
        d10 = f.decision(oona, "Consultation", event_at=f.utc(2025, 4, 10, 9))
        f.requirement(d10, colin, brief_by=date(2025, 4, 3))
        db.session.commit()
        return Dataset(
            users=users,
            decisions={
                "D1": d1.id,
                "D2": d2.id,
                "D3": d3.id,
                "D4": d4.id,
                "D5": d5.id,
                "D6": d6.id,
                "D7": d7.id,
                "D8": d8.id,
                "D10": d10.id,
            },
            people={
                "lee": lee.id,
                "oona": oona.id,
                "carla": carla.id,
                "colin": colin.id,
                "tess": tess.id,
                "vic": vic.id,
            },
            organisations={
                "council": council.id,
                "trust": trust.id,
                "vcse": vcse.id,
                "home": home.id,
            },
        )
