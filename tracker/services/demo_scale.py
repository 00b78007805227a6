"""Demo data at scale (`flask demo-data --scale system|national`), for benchmarks.

National scale is roughly NHS England running No Surprises for all 42 integrated care
systems with ten years of history: 2,000 organisations, 10,000 people, 200,000 decisions
and 2,000,000 requirements and briefings (about 1,000,000 of each), plus users, PAs,
audit rows and reminder history in proportion.

Rows are generated in memory batch by batch and written with bulk inserts (COPY on
PostgreSQL, executemany on SQLite) with explicit ids, so nothing is read back per row.
The result depends only on the seed and the anchor date.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from tracker.domain.brief_by import brief_by_date
from tracker.domain.localtime import local_to_utc
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import (
    Base,
    Organisation,
    OrganisationType,
    Person,
    ProfessionalGroup,
    User,
)
from tracker.security.passwords import hash_password

BATCH = 20_000
BENCH_DECISION_TITLE = "Bench: decision with 40 affected partners"
BENCH_ORGANISATION_NAME = "Bench Engagement NHS Trust"


@dataclass(frozen=True)
class Scale:
    systems: int
    organisations: int
    people: int
    decisions: int
    partners_per_decision: int  # average
    years: int


SCALES = {
    "system": Scale(
        systems=1, organisations=60, people=300, decisions=5_000, partners_per_decision=5, years=3
    ),
    "national": Scale(
        systems=42,
        organisations=2_000,
        people=10_000,
        decisions=200_000,
        partners_per_decision=5,
        years=10,
    ),
}

Progress = Callable[[int], None]


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def __str__(self) -> str:
        return ", ".join(f"{n:,} {name}" for name, n in self.counts.items())


def estimated_rows(scale: Scale) -> int:
    requirements = scale.decisions * scale.partners_per_decision
    # people, orgs, users, decisions, requirements, briefings (+2 link rows each), audit
    return scale.organisations + scale.people * 2 + scale.decisions * 2 + requirements * 6


class _Writer:
    """Bulk inserts with explicit ids: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection: Connection, progress: Progress) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.progress = progress

    def _value(self, value: Any) -> Any:
        if self.postgres:
            if isinstance(value, dict | list):
                return json.dumps(value)
            return value
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, dict | list):
            return json.dumps(value)
        return value

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        total = 0
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(self._value(v) for v in row))
            if len(batch) >= BATCH:
                total += self._flush(table, columns, batch)
                batch = []
        if batch:
            total += self._flush(table, columns, batch)
        return total

    def _flush(self, table: Table, columns: Sequence[str], batch: list[tuple[Any, ...]]) -> int:
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            raw = self.connection.connection.driver_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
            ):  # type: ignore[union-attr]
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            # Table and column names come from our own metadata, never from input.
            insert = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608  # nosec B608
            self.connection.exec_driver_sql(insert, batch)
        self.progress(len(batch))
        return len(batch)

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        if not self.postgres:
            return
        for table in tables:
            # Table names come from our own metadata, never from input.
            sequence = f"pg_get_serial_sequence('\"{table.name}\"', 'id')"
            largest = f'SELECT MAX(id) FROM "{table.name}"'  # noqa: S608  # nosec B608
            self.connection.execute(text(f"SELECT setval({sequence}, COALESCE(({largest}), 1))"))


def _next_id(connection: Connection, table: Table) -> int:
    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


FIRST = (
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellen",
    "Farid",
    "Grace",
    "Hamza",
    "Isla",
    "Jon",
    "Kiran",
    "Leah",
    "Mo",
    "Nadia",
    "Owen",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Viktor",
    "Wen",
    "Yusuf",
    "Zara",
)
LAST = (
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nowak",
    "O’Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
    "Zhou",
)
PLACES = (
    "Ashby",
    "Brampton",
    "Carrow",
    "Dunmere",
    "Eastleigh",
    "Falmouth",
    "Greywell",
    "Harlow",
    "Ivybridge",
    "Kestwick",
    "Langley",
    "Marsden",
    "Northam",
    "Oakhill",
    "Penrith",
    "Redcliffe",
    "Selby",
    "Thornbury",
    "Upton",
    "Westbury",
)
ORG_SUFFIX = {
    OrganisationType.ICB: "Integrated Care Board",
    OrganisationType.TRUST_ACUTE: "Hospitals NHS Trust",
    OrganisationType.TRUST_MENTAL_HEALTH: "Mental Health NHS Trust",
    OrganisationType.TRUST_COMMUNITY: "Community Health NHS Trust",
    OrganisationType.PCN_GP_FEDERATION: "Primary Care Network",
    OrganisationType.LA_DISTRICT: "District Council",
    OrganisationType.LA_UNITARY: "Council",
    OrganisationType.VCSE: "Community Voluntary Services",
    OrganisationType.HEALTHWATCH: "Healthwatch",
    OrganisationType.OTHER_PUBLIC_BODY: "Fire and Rescue Service",
}
TITLES = (
    "Winter plan",
    "Service reconfiguration",
    "Budget setting",
    "Consultation launch",
    "Estates announcement",
    "Workforce strategy",
    "Board decision",
    "Press release",
    "Capital funding award",
    "Pathway redesign",
    "Contract award",
    "Performance report",
)
CHANNELS = ("meeting", "call", "email", "teams", "letter")
KINDS = (
    "announcement",
    "meeting",
    "decision",
    "consultation",
    "media_release",
    "service_change",
    "other",
)


@cache
def _brief_by(event_day: date, lead_time: int) -> date:
    return brief_by_date(event_day, lead_time, _CALENDAR)


_CALENDAR = WorkingCalendar.england()


def generate(scale_name: str, seed: int, anchor: date, progress: Progress) -> Summary:
    """Write the data set for `scale_name`. The caller commits."""
    scale = SCALES[scale_name]
    rng = random.Random(seed)  # noqa: S311 (made-up demo data, not security)
    summary = Summary()
    connection = db.session.connection()
    writer = _Writer(connection, progress)
    now = datetime.combine(anchor, time(12), tzinfo=UTC)
    tables = {t.name: t for t in Base.metadata.sorted_tables}

    # --- organisations ----------------------------------------------------------------
    org_id0 = _next_id(connection, Organisation.__table__)
    existing_names = set(connection.scalars(select(Organisation.name_key)))
    org_rows = []
    orgs_per_system = scale.organisations // scale.systems
    system_of_org: list[int] = []
    types = list(ORG_SUFFIX)
    for system in range(scale.systems):
        for index in range(orgs_per_system):
            org_type = types[index % len(types)]
            place = PLACES[(index // len(types) + system * 7) % len(PLACES)]
            name = f"{place} {ORG_SUFFIX[org_type]} {system + 1}-{index + 1}"
            if system == 0 and index == 1:
                name = BENCH_ORGANISATION_NAME
            if name.lower() in existing_names:
                name = f"{name} ({seed})"
            org_rows.append(
                (
                    org_id0 + len(org_rows),
                    name,
                    name.lower(),
                    org_type.value,
                    None,
                    None,
                    None,
                    False,
                    now,
                    now,
                )
            )
            system_of_org.append(system)
    summary.add(
        "organisations",
        writer.write(
            tables["organisation"],
            (
                "id",
                "name",
                "name_key",
                "org_type",
                "ods_code",
                "website",
                "notes",
                "is_archived",
                "created_at",
                "updated_at",
            ),
            org_rows,
        ),
    )

    # --- users (leaders, PAs, managers, viewers per system) -----------------------------
    user_id0 = _next_id(connection, User.__table__)
    password_hash = hash_password("demo-password-1")
    user_rows = []
    leaders_by_system: dict[int, list[int]] = {}
    pas_by_system: dict[int, list[int]] = {}
    for system in range(scale.systems):
        for role, count in (("leader", 12), ("pa", 6), ("manager", 3), ("viewer", 3)):
            for n in range(count):
                uid = user_id0 + len(user_rows)
                email = f"{role}{n + 1}.ics{system + 1}.s{seed}@example.org"
                user_rows.append(
                    (
                        uid,
                        email,
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        role,
                        password_hash,
                        True,
                        1,
                        now,
                        now,
                    )
                )
                if role == "leader":
                    leaders_by_system.setdefault(system, []).append(uid)
                elif role == "pa":
                    pas_by_system.setdefault(system, []).append(uid)
    summary.add(
        "users",
        writer.write(
            tables["user"],
            (
                "id",
                "email",
                "display_name",
                "role",
                "password_hash",
                "is_active",
                "session_version",
                "created_at",
                "updated_at",
            ),
            user_rows,
        ),
    )

    # --- people: the first 12 of each system are its leaders (linked to users) ------------
    person_id0 = _next_id(connection, Person.__table__)
    people_per_system = scale.people // scale.systems
    orgs_by_system: dict[int, list[int]] = {}
    for offset, system in enumerate(system_of_org):
        orgs_by_system.setdefault(system, []).append(org_id0 + offset)
    person_rows = []
    people_by_system: dict[int, list[int]] = {}
    leader_people: dict[int, list[int]] = {}
    person_org: dict[int, int] = {}
    groups = list(ProfessionalGroup)
    for system in range(scale.systems):
        org_ids = orgs_by_system[system]
        for index in range(people_per_system):
            pid = person_id0 + len(person_rows)
            org_id = org_ids[index % len(org_ids)]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            user_id = (
                leaders_by_system[system][index] if index < len(leaders_by_system[system]) else None
            )
            email = f"p{pid}.s{seed}@example.org"
            person_rows.append(
                (
                    pid,
                    name,
                    name.lower(),
                    "Chief Executive" if user_id else "Director",
                    org_id,
                    email,
                    None,
                    groups[index % len(groups)].value,
                    rng.choice(CHANNELS),
                    rng.randint(1, 5),
                    rng.randint(1, 5),
                    None,
                    index < len(org_ids),
                    False,
                    user_id,
                    now,
                    now,
                )
            )
            person_org[pid] = org_id
            if user_id:
                leader_people.setdefault(system, []).append(pid)
            else:
                people_by_system.setdefault(system, []).append(pid)
    summary.add(
        "people",
        writer.write(
            tables["person"],
            (
                "id",
                "full_name",
                "name_key",
                "job_title",
                "organisation_id",
                "email",
                "phone",
                "professional_group",
                "preferred_channel",
                "influence",
                "interest",
                "notes",
                "is_main_contact",
                "is_archived",
                "user_id",
                "created_at",
                "updated_at",
            ),
            person_rows,
        ),
    )
    # Each PA assists two leaders.
    pa_rows = []
    for system, pa_ids in pas_by_system.items():
        for n, pa_id in enumerate(pa_ids):
            for leader_person in leader_people[system][2 * n : 2 * n + 2]:
                pa_rows.append((leader_person, pa_id))
    writer.write(tables["person_pa"], ("person_id", "user_id"), pa_rows)

    # The demo leader owns part of system 0's decisions, so benchmarks sign in as a real user.
    demo_leader = connection.scalar(
        select(Person.id)
        .join(User, User.id == Person.user_id)
        .where(User.email == "leader@example.org")
    )
    if demo_leader is not None:
        leader_people[0].append(demo_leader)

    # --- decisions, requirements, briefings, audit --------------------------------------
    ids = {
        name: _next_id(connection, tables[name])
        for name in (
            "decision",
            "briefing_requirement",
            "briefing",
            "audit_event",
            "surprise_report",
            "reminder",
        )
    }
    # Reminder history goes to the owner's user account (leaders are users here).
    user_of_person = dict(
        connection.execute(
            select(Person.id, Person.user_id).where(Person.user_id.is_not(None))
        ).all()
    )
    start = anchor - timedelta(days=365 * scale.years)
    span = (anchor + timedelta(days=60) - start).days
    per_system = scale.decisions // scale.systems
    bench_org = org_id0 + 1

    decision_rows: list[tuple[Any, ...]] = []
    requirement_rows: list[tuple[Any, ...]] = []
    briefing_rows: list[tuple[Any, ...]] = []
    attendee_rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[Any, ...]] = []
    audit_rows: list[tuple[Any, ...]] = []
    surprise_rows: list[tuple[Any, ...]] = []
    reminder_rows: list[tuple[Any, ...]] = []

    def flush() -> None:
        summary.add("decisions", writer.write(tables["decision"], DECISION_COLUMNS, decision_rows))
        summary.add(
            "requirements",
            writer.write(tables["briefing_requirement"], REQUIREMENT_COLUMNS, requirement_rows),
        )
        summary.add("briefings", writer.write(tables["briefing"], BRIEFING_COLUMNS, briefing_rows))
        writer.write(tables["briefing_attendee"], ("briefing_id", "person_id"), attendee_rows)
        writer.write(tables["briefing_decision"], ("briefing_id", "decision_id"), link_rows)
        summary.add("audit events", writer.write(tables["audit_event"], AUDIT_COLUMNS, audit_rows))
        summary.add(
            "surprise reports",
            writer.write(tables["surprise_report"], SURPRISE_COLUMNS, surprise_rows),
        )
        summary.add("reminders", writer.write(tables["reminder"], REMINDER_COLUMNS, reminder_rows))
        for rows in (
            reminder_rows,
            decision_rows,
            requirement_rows,
            briefing_rows,
            attendee_rows,
            link_rows,
            audit_rows,
            surprise_rows,
        ):
            rows.clear()

    bench_planted = False
    pa_for_owner: dict[int, int] = {}
    for person_id, user_id in pa_rows:
        pa_for_owner.setdefault(person_id, user_id)
    for system in range(scale.systems):
        owners = leader_people[system]
        partners = people_by_system[system]
        for n in range(per_system):
            decision_id = ids["decision"]
            ids["decision"] += 1
            owner = owners[n % len(owners)]
            event_day = start + timedelta(days=rng.randrange(span))
            if event_day.weekday() >= 5:
                event_day -= timedelta(days=event_day.weekday() - 4)
            event_at = local_to_utc(
                event_day, time(rng.choice((9, 10, 14, 16)), rng.choice((0, 30)))
            )
            past = event_at < now
            roll = rng.random()
            sensitivity = (
                "public"
                if roll < 0.05
                else "restricted"
                if roll < 0.12
                else "embargoed"
                if roll < 0.15
                else "internal"
            )
            status = (
                ("held" if rng.random() < 0.95 else rng.choice(("cancelled", "postponed")))
                if past
                else ("planned" if rng.random() < 0.9 else "draft")
            )
            lead_time = rng.choice((3, 5, 5, 5, 10))
            title = f"{rng.choice(TITLES)} {decision_id}"
            count = rng.randint(1, scale.partners_per_decision * 2 - 1)
            chosen = rng.sample(partners, k=min(count, len(partners)))
            if not bench_planted and system == 0 and not past and demo_leader is not None:
                title, owner, bench_planted = BENCH_DECISION_TITLE, demo_leader, True
                sensitivity, status = "internal", "planned"
                chosen = rng.sample(partners, k=min(40, len(partners)))
            created_at = min(event_at - timedelta(days=rng.randint(15, 60)), now)
            decision_rows.append(
                (
                    decision_id,
                    title,
                    rng.choice(KINDS),
                    None,
                    owner,
                    event_at,
                    None,
                    sensitivity,
                    event_at - timedelta(hours=2) if sensitivity == "embargoed" else None,
                    status,
                    lead_time,
                    0,
                    None,
                    created_at,
                    created_at,
                )
            )
            audit_rows.append(
                (
                    ids["audit_event"],
                    created_at,
                    None,
                    "decision",
                    decision_id,
                    decision_id,
                    "created",
                    f"Created “{title}”",
                    {},
                )
            )
            ids["audit_event"] += 1
            brief_by = _brief_by(event_day, lead_time)
            for person_id in chosen:
                requirement_id = ids["briefing_requirement"]
                ids["briefing_requirement"] += 1
                roll = rng.random()
                status_r, first_briefed = "pending", None
                if roll < 0.03:
                    status_r = "not_required"
                elif roll < 0.05:
                    status_r = "waived"
                elif (past and roll < 0.92) or (not past and roll < 0.35):
                    status_r = "briefed"
                    offset = rng.choice((-4, -2, -1, 0, 0, 1, 2))
                    first_briefed = min(
                        local_to_utc(brief_by + timedelta(days=offset), time(11)),
                        now - timedelta(hours=1),
                    )
                requirement_rows.append(
                    (
                        requirement_id,
                        decision_id,
                        person_id,
                        None,
                        None,
                        brief_by,
                        status_r,
                        None,
                        None,
                        0,
                        None,
                        first_briefed,
                        created_at,
                        created_at,
                    )
                )
                recipient = user_of_person.get(owner)
                if past and recipient is not None and rng.random() < 0.5:
                    sent_at = local_to_utc(brief_by, time(8))
                    reminder_rows.append(
                        (
                            ids["reminder"],
                            requirement_id,
                            decision_id,
                            None,
                            recipient,
                            "due",
                            brief_by,
                            sent_at,
                            "sent",
                            1,
                            None,
                            None,
                            None,
                            sent_at,
                            sent_at,
                            f"<demo.{ids['reminder']}@example.org>",
                            None,
                            sent_at,
                            sent_at,
                        )
                    )
                    ids["reminder"] += 1
                if first_briefed is not None:
                    briefing_id = ids["briefing"]
                    ids["briefing"] += 1
                    logger = pa_for_owner.get(owner)
                    briefing_rows.append(
                        (
                            briefing_id,
                            first_briefed,
                            rng.choice(CHANNELS),
                            None,
                            None,
                            rng.random() < 0.7,
                            owner,
                            owner if logger else None,
                            logger,
                            first_briefed,
                            first_briefed,
                        )
                    )
                    attendee_rows.append((briefing_id, person_id))
                    link_rows.append((briefing_id, decision_id))
                    audit_rows.append(
                        (
                            ids["audit_event"],
                            first_briefed,
                            logger,
                            "requirement",
                            requirement_id,
                            decision_id,
                            "briefed",
                            "Briefed",
                            {},
                        )
                    )
                    ids["audit_event"] += 1
            if past and rng.random() < 0.01 and chosen:
                surprise_rows.append(
                    (
                        ids["surprise_report"],
                        decision_id,
                        chosen[0],
                        event_at + timedelta(days=1),
                        "We heard about this from the local paper.",
                        None,
                        event_at,
                    )
                )
                ids["surprise_report"] += 1
            if len(requirement_rows) >= BATCH * 5:
                flush()
    flush()
    # 500 engagements with the bench organisation's people, for the history page benchmark.
    bench_people = [p for p, org in person_org.items() if org == bench_org]
    if bench_people:
        for n in range(500):
            briefing_id = ids["briefing"]
            ids["briefing"] += 1
            occurred = now - timedelta(days=n * 3 + 1)
            briefing_rows.append(
                (
                    briefing_id,
                    occurred,
                    CHANNELS[n % len(CHANNELS)],
                    "Regular catch-up",
                    None,
                    True,
                    None,
                    None,
                    None,
                    occurred,
                    occurred,
                )
            )
            attendee_rows.append((briefing_id, bench_people[n % len(bench_people)]))
        flush()
    writer.reset_sequences(t for t in Base.metadata.sorted_tables if "id" in t.c)
    return summary


DECISION_COLUMNS = (
    "id",
    "title",
    "kind",
    "description",
    "owner_person_id",
    "event_at",
    "location",
    "sensitivity",
    "embargo_lifts_at",
    "status",
    "lead_time",
    "sequence",
    "created_by_user_id",
    "created_at",
    "updated_at",
)
REQUIREMENT_COLUMNS = (
    "id",
    "decision_id",
    "person_id",
    "reason",
    "lead_time_override",
    "brief_by",
    "status",
    "status_reason",
    "status_changed_by_user_id",
    "update_round",
    "update_note",
    "first_briefed_at",
    "created_at",
    "updated_at",
)
BRIEFING_COLUMNS = (
    "id",
    "occurred_at",
    "channel",
    "summary",
    "note_reference",
    "acknowledged",
    "briefed_by_person_id",
    "on_behalf_of_person_id",
    "logged_by_user_id",
    "created_at",
    "updated_at",
)
AUDIT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_user_id",
    "entity_type",
    "entity_id",
    "decision_id",
    "action",
    "summary",
    "changes",
)
REMINDER_COLUMNS = (
    "id",
    "requirement_id",
    "decision_id",
    "person_id",
    "recipient_user_id",
    "kind",
    "for_day",
    "send_at",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "claim_token",
    "claimed_at",
    "sent_at",
    "message_id",
    "read_at",
    "created_at",
    "updated_at",
)
SURPRISE_COLUMNS = (
    "id",
    "decision_id",
    "person_id",
    "reported_at",
    "what_they_said",
    "recorded_by_user_id",
    "created_at",
)
