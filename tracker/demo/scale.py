"""Demo data at scale (`flask demo-data --scale system|national`), for benchmarks.

National scale is roughly NHS England running No Surprises for all 42 integrated care
systems with ten years of history: 2,000 organisations, 10,000 people, 200,000 decisions
and 2,000,000 requirements and briefings (about 1,000,000 of each), plus users, PAs,
audit rows and reminder history in proportion.

`generate` runs in phases, one per kind of record: organisations, users, people and the
PAs who assist them, then the decisions' history (decisions with their requirements,
briefings, reminders, audit rows and surprise reports), then the bench organisation's
engagements. Rows are made in memory batch by batch and written with bulk inserts with
explicit ids (`tracker.demo.bulk`), so nothing is read back per row. One random
generator serves every phase in a fixed order: the result depends only on the seed and
the anchor date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, select

from tracker.demo import refuse_in_production
from tracker.demo.bulk import BATCH, BulkWriter, Ids, Progress, next_id
from tracker.domain.brief_by import brief_by_date
from tracker.domain.localtime import local_to_utc
from tracker.domain.vocabulary import OrganisationType, ProfessionalGroup
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import Base, Organisation, Person, User
from tracker.security.passwords import hash_password

BENCH_DECISION_TITLE = "Bench: decision with 40 affected partners"
BENCH_ORGANISATION_NAME = "Bench Engagement NHS Trust"

Row = tuple[Any, ...]


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


FIRST = (
    "Amira", "Ben", "Chloe", "Dev", "Ellen", "Farid", "Grace", "Hamza", "Isla", "Jon", "Kiran",
    "Leah", "Mo", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor",
    "Wen", "Yusuf", "Zara",
)  # fmt: skip
LAST = (
    "Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Murphy", "Nowak", "O’Brien", "Patel", "Quinn", "Roberts", "Singh",
    "Taylor", "Usman", "Vaughan", "Walsh", "Young", "Zhou",
)  # fmt: skip
PLACES = (
    "Ashby", "Brampton", "Carrow", "Dunmere", "Eastleigh", "Falmouth", "Greywell", "Harlow",
    "Ivybridge", "Kestwick", "Langley", "Marsden", "Northam", "Oakhill", "Penrith", "Redcliffe",
    "Selby", "Thornbury", "Upton", "Westbury",
)  # fmt: skip
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
    "Winter plan", "Service reconfiguration", "Budget setting", "Consultation launch",
    "Estates announcement", "Workforce strategy", "Board decision", "Press release",
    "Capital funding award", "Pathway redesign", "Contract award", "Performance report",
)  # fmt: skip
CHANNELS = ("meeting", "call", "email", "teams", "letter")
KINDS = (
    "announcement", "meeting", "decision", "consultation", "media_release", "service_change",
    "other",
)  # fmt: skip
# Users per system, by role; the leaders are also people (the first of each system).
USERS_PER_SYSTEM = (("leader", 12), ("pa", 6), ("manager", 3), ("viewer", 3))
DEMO_PASSWORD = "demo-password-1"  # noqa: S105  (the demo users' published password)

_CALENDAR = WorkingCalendar.england()


@cache
def _brief_by(event_day: date, lead_time: int) -> date:
    return brief_by_date(event_day, lead_time, _CALENDAR)


# --- one run ------------------------------------------------------------------------------


@dataclass
class _Run:
    """What every phase shares: the plan, the one random generator, the writer."""

    scale: Scale
    seed: int
    anchor: date
    rng: random.Random
    connection: Connection
    writer: BulkWriter
    summary: Summary = field(default_factory=Summary)
    tables: dict[str, Table] = field(
        default_factory=lambda: {t.name: t for t in Base.metadata.sorted_tables}
    )

    @property
    def now(self) -> datetime:
        return datetime.combine(self.anchor, time(12), tzinfo=UTC)

    def write(
        self, table: str, columns: tuple[str, ...], rows: list[Row], counted_as: str | None = None
    ) -> None:
        written = self.writer.write(self.tables[table], columns, rows)
        if counted_as is not None:
            self.summary.add(counted_as, written)

    def next_id(self, table: str) -> int:
        return next_id(self.connection, self.tables[table])


@dataclass
class _World:
    """Who exists, by system: what the decisions' history is made of."""

    bench_organisation: int
    leaders_by_system: dict[int, list[int]] = field(default_factory=dict)
    pas_by_system: dict[int, list[int]] = field(default_factory=dict)
    orgs_by_system: dict[int, list[int]] = field(default_factory=dict)
    people_by_system: dict[int, list[int]] = field(default_factory=dict)
    leader_people: dict[int, list[int]] = field(default_factory=dict)
    person_org: dict[int, int] = field(default_factory=dict)
    pa_for_owner: dict[int, int] = field(default_factory=dict)
    user_of_person: dict[int, int] = field(default_factory=dict)
    demo_leader: int | None = None
    bench_planted: bool = False

    def plant_bench_decision(self, system: int, past: bool) -> bool:
        """True once: the first future decision of system 0 becomes the bench decision."""
        if self.bench_planted or system != 0 or past or self.demo_leader is None:
            return False
        self.bench_planted = True
        return True


def generate(
    scale_name: str, seed: int, anchor: date, progress: Progress, *, force: bool = False
) -> Summary:
    """Write the data set for `scale_name`. The caller commits."""
    refuse_in_production(force)
    connection = db.session.connection()
    run = _Run(
        scale=SCALES[scale_name],
        seed=seed,
        anchor=anchor,
        rng=random.Random(seed),  # noqa: S311 (made-up demo data, not security)
        connection=connection,
        writer=BulkWriter(connection, progress),
    )
    world = _organisations(run)
    _users(run, world)
    _people(run, world)
    _pa_links(run, world)
    _find_demo_leader(run, world)
    history = _History(run, world)
    history.decisions()
    history.bench_engagements()
    run.writer.reset_sequences(t for t in Base.metadata.sorted_tables if "id" in t.c)
    return run.summary


# --- organisations, users, people -----------------------------------------------------------

ORGANISATION_COLUMNS = (
    "id", "name", "name_key", "org_type", "ods_code", "website", "notes", "is_archived",
    "created_at", "updated_at",
)  # fmt: skip
USER_COLUMNS = (
    "id", "email", "display_name", "role", "password_hash", "is_active", "session_version",
    "created_at", "updated_at",
)  # fmt: skip
PERSON_COLUMNS = (
    "id", "full_name", "name_key", "job_title", "organisation_id", "email", "phone",
    "professional_group", "preferred_channel", "influence", "interest", "notes",
    "is_main_contact", "is_archived", "user_id", "created_at", "updated_at",
)  # fmt: skip


def _organisations(run: _Run) -> _World:
    """The same number of organisations in every system, of every type in turn."""
    first_id = run.next_id("organisation")
    existing_names = set(run.connection.scalars(select(Organisation.name_key)))
    world = _World(bench_organisation=first_id + 1)
    per_system = run.scale.organisations // run.scale.systems
    types = list(ORG_SUFFIX)
    rows: list[Row] = []
    for system in range(run.scale.systems):
        for index in range(per_system):
            org_type = types[index % len(types)]
            place = PLACES[(index // len(types) + system * 7) % len(PLACES)]
            name = f"{place} {ORG_SUFFIX[org_type]} {system + 1}-{index + 1}"
            if system == 0 and index == 1:
                name = BENCH_ORGANISATION_NAME
            if name.lower() in existing_names:
                name = f"{name} ({run.seed})"
            org_id = first_id + len(rows)
            now = run.now
            rows.append(
                (org_id, name, name.lower(), org_type.value, None, None, None, False, now, now)
            )
            world.orgs_by_system.setdefault(system, []).append(org_id)
    run.write("organisation", ORGANISATION_COLUMNS, rows, "organisations")
    return world


def _users(run: _Run, world: _World) -> None:
    """Leaders, PAs, managers and viewers in every system, all with the demo password."""
    first_id = run.next_id("user")
    password_hash = hash_password(DEMO_PASSWORD)
    rows: list[Row] = []
    now = run.now
    for system in range(run.scale.systems):
        for role, count in USERS_PER_SYSTEM:
            for n in range(count):
                user_id = first_id + len(rows)
                email = f"{role}{n + 1}.ics{system + 1}.s{run.seed}@example.org"
                name = f"{run.rng.choice(FIRST)} {run.rng.choice(LAST)}"
                rows.append((user_id, email, name, role, password_hash, True, 1, now, now))
                if role == "leader":
                    world.leaders_by_system.setdefault(system, []).append(user_id)
                elif role == "pa":
                    world.pas_by_system.setdefault(system, []).append(user_id)
    run.write("user", USER_COLUMNS, rows, "users")


def _people(run: _Run, world: _World) -> None:
    """People spread over their system's organisations; the first of each system are its
    leaders (linked to the leader users), the others the partners decisions affect."""
    first_id = run.next_id("person")
    per_system = run.scale.people // run.scale.systems
    groups = list(ProfessionalGroup)
    rng = run.rng
    rows: list[Row] = []
    now = run.now
    for system in range(run.scale.systems):
        org_ids = world.orgs_by_system[system]
        leaders = world.leaders_by_system[system]
        for index in range(per_system):
            person_id = first_id + len(rows)
            org_id = org_ids[index % len(org_ids)]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            user_id = leaders[index] if index < len(leaders) else None
            rows.append(
                (
                    person_id,
                    name,
                    name.lower(),
                    "Chief Executive" if user_id else "Director",
                    org_id,
                    f"p{person_id}.s{run.seed}@example.org",
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
            world.person_org[person_id] = org_id
            group = world.leader_people if user_id else world.people_by_system
            group.setdefault(system, []).append(person_id)
    run.write("person", PERSON_COLUMNS, rows, "people")


def _pa_links(run: _Run, world: _World) -> None:
    """Each PA assists two leaders."""
    rows: list[Row] = []
    for system, pa_ids in world.pas_by_system.items():
        for n, pa_id in enumerate(pa_ids):
            for leader_person in world.leader_people[system][2 * n : 2 * n + 2]:
                rows.append((leader_person, pa_id))
                world.pa_for_owner.setdefault(leader_person, pa_id)
    run.write("person_pa", ("person_id", "user_id"), rows)


def _find_demo_leader(run: _Run, world: _World) -> None:
    """The demo leader owns part of system 0's decisions, so benchmarks sign in as a real
    user; reminder history goes to the owner's user account (leaders are users here)."""
    world.demo_leader = run.connection.scalar(
        select(Person.id)
        .join(User, User.id == Person.user_id)
        .where(User.email == "leader@example.org")
    )
    if world.demo_leader is not None:
        world.leader_people[0].append(world.demo_leader)
    linked = run.connection.execute(
        select(Person.id, Person.user_id).where(Person.user_id.is_not(None))
    )
    world.user_of_person = {person_id: user_id for person_id, user_id in linked if user_id}


# --- the decisions' history ---------------------------------------------------------------

DECISION_COLUMNS = (
    "id", "title", "kind", "description", "owner_person_id", "event_at", "location",
    "sensitivity", "embargo_lifts_at", "status", "lead_time", "sequence", "created_by_user_id",
    "created_at", "updated_at",
)  # fmt: skip
REQUIREMENT_COLUMNS = (
    "id", "decision_id", "person_id", "reason", "lead_time_override", "brief_by", "status",
    "status_reason", "status_changed_by_user_id", "update_round", "update_note",
    "first_briefed_at", "created_at", "updated_at",
)  # fmt: skip
BRIEFING_COLUMNS = (
    "id", "occurred_at", "channel", "summary", "note_reference", "acknowledged",
    "briefed_by_person_id", "on_behalf_of_person_id", "logged_by_user_id", "created_at",
    "updated_at",
)  # fmt: skip
AUDIT_COLUMNS = (
    "id", "occurred_at", "actor_user_id", "entity_type", "entity_id", "decision_id", "action",
    "summary", "changes",
)  # fmt: skip
REMINDER_COLUMNS = (
    "id", "requirement_id", "decision_id", "person_id", "recipient_user_id", "kind", "for_day",
    "send_at", "status", "attempts", "next_attempt_at", "last_error", "claim_token",
    "claimed_at", "sent_at", "message_id", "read_at", "created_at", "updated_at",
)  # fmt: skip
SURPRISE_COLUMNS = (
    "id", "decision_id", "person_id", "reported_at", "what_they_said", "recorded_by_user_id",
    "created_at",
)  # fmt: skip

# Written together, in this order (each row's references come before it); the summary
# counts the ones that have a name.
HISTORY_TABLES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("decision", DECISION_COLUMNS, "decisions"),
    ("briefing_requirement", REQUIREMENT_COLUMNS, "requirements"),
    ("briefing", BRIEFING_COLUMNS, "briefings"),
    ("briefing_attendee", ("briefing_id", "person_id"), None),
    ("briefing_decision", ("briefing_id", "decision_id"), None),
    ("audit_event", AUDIT_COLUMNS, "audit events"),
    ("surprise_report", SURPRISE_COLUMNS, "surprise reports"),
    ("reminder", REMINDER_COLUMNS, "reminders"),
)
_WITH_IDS = ("decision", "briefing_requirement", "briefing", "audit_event", "surprise_report")


@dataclass(frozen=True)
class _Decision:
    """What a decision's requirements, briefings and reminders need to know of it."""

    id: int
    owner: int
    event_at: datetime
    past: bool
    brief_by: date
    created_at: datetime


def _sensitivity(roll: float) -> str:
    if roll < 0.05:
        return "public"
    if roll < 0.12:
        return "restricted"
    if roll < 0.15:
        return "embargoed"
    return "internal"


def _decision_status(rng: random.Random, past: bool) -> str:
    if past:
        return "held" if rng.random() < 0.95 else rng.choice(("cancelled", "postponed"))
    return "planned" if rng.random() < 0.9 else "draft"


class _History:
    """Decisions over the years, each with its requirements and what happened to them."""

    def __init__(self, run: _Run, world: _World) -> None:
        self.run = run
        self.world = world
        self.rng = run.rng
        self.ids = Ids(run.connection, [run.tables[name] for name in (*_WITH_IDS, "reminder")])
        self.rows: dict[str, list[Row]] = {name: [] for name, _c, _n in HISTORY_TABLES}
        self.start = run.anchor - timedelta(days=365 * run.scale.years)
        self.span = (run.anchor + timedelta(days=60) - self.start).days

    def flush(self) -> None:
        for table, columns, counted_as in HISTORY_TABLES:
            self.run.write(table, columns, self.rows[table], counted_as)
            self.rows[table].clear()

    def decisions(self) -> None:
        per_system = self.run.scale.decisions // self.run.scale.systems
        for system in range(self.run.scale.systems):
            owners = self.world.leader_people[system]
            partners = self.world.people_by_system[system]
            for n in range(per_system):
                self.decision(system, owners[n % len(owners)], partners)
                if len(self.rows["briefing_requirement"]) >= BATCH * 5:
                    self.flush()
        self.flush()

    def decision(self, system: int, owner: int, partners: list[int]) -> None:
        rng = self.rng
        decision_id = self.ids.take("decision")
        event_day = self.start + timedelta(days=rng.randrange(self.span))
        if event_day.weekday() >= 5:
            event_day -= timedelta(days=event_day.weekday() - 4)
        event_at = local_to_utc(event_day, time(rng.choice((9, 10, 14, 16)), rng.choice((0, 30))))
        past = event_at < self.run.now
        sensitivity = _sensitivity(rng.random())
        status = _decision_status(rng, past)
        lead_time = rng.choice((3, 5, 5, 5, 10))
        title = f"{rng.choice(TITLES)} {decision_id}"
        count = rng.randint(1, self.run.scale.partners_per_decision * 2 - 1)
        chosen = rng.sample(partners, k=min(count, len(partners)))
        if self.world.plant_bench_decision(system, past):
            assert self.world.demo_leader is not None
            title, owner = BENCH_DECISION_TITLE, self.world.demo_leader
            sensitivity, status = "internal", "planned"
            chosen = rng.sample(partners, k=min(40, len(partners)))
        created_at = min(event_at - timedelta(days=rng.randint(15, 60)), self.run.now)
        embargo_lifts_at = event_at - timedelta(hours=2) if sensitivity == "embargoed" else None
        self.rows["decision"].append(
            (
                decision_id,
                title,
                rng.choice(KINDS),
                None,
                owner,
                event_at,
                None,
                sensitivity,
                embargo_lifts_at,
                status,
                lead_time,
                0,
                None,
                created_at,
                created_at,
            )
        )
        self.audit(
            created_at,
            None,
            ("decision", decision_id),
            decision_id,
            "created",
            f"Created “{title}”",
        )
        brief_by = _brief_by(event_day, lead_time)
        facts = _Decision(decision_id, owner, event_at, past, brief_by, created_at)
        for person_id in chosen:
            self.requirement(facts, person_id)
        if past and rng.random() < 0.01 and chosen:
            self.surprise(facts, chosen[0])

    def audit(
        self,
        occurred_at: datetime,
        actor: int | None,
        entity: tuple[str, int],
        decision_id: int,
        action: str,
        summary: str,
    ) -> None:
        entity_type, entity_id = entity
        self.rows["audit_event"].append(
            (
                self.ids.take("audit_event"),
                occurred_at,
                actor,
                entity_type,
                entity_id,
                decision_id,
                action,
                summary,
                {},
            )
        )

    def outcome(self, decision: _Decision) -> tuple[str, datetime | None]:
        """The requirement's status, and when the partner was first briefed."""
        roll = self.rng.random()
        if roll < 0.03:
            return "not_required", None
        if roll < 0.05:
            return "waived", None
        if (decision.past and roll < 0.92) or (not decision.past and roll < 0.35):
            offset = self.rng.choice((-4, -2, -1, 0, 0, 1, 2))
            first_briefed = min(
                local_to_utc(decision.brief_by + timedelta(days=offset), time(11)),
                self.run.now - timedelta(hours=1),
            )
            return "briefed", first_briefed
        return "pending", None

    def requirement(self, decision: _Decision, person_id: int) -> None:
        requirement_id = self.ids.take("briefing_requirement")
        status, first_briefed = self.outcome(decision)
        self.rows["briefing_requirement"].append(
            (
                requirement_id,
                decision.id,
                person_id,
                None,
                None,
                decision.brief_by,
                status,
                None,
                None,
                0,
                None,
                first_briefed,
                decision.created_at,
                decision.created_at,
            )
        )
        recipient = self.world.user_of_person.get(decision.owner)
        if decision.past and recipient is not None and self.rng.random() < 0.5:
            self.reminder(decision, requirement_id, recipient)
        if first_briefed is not None:
            self.briefing(decision, requirement_id, person_id, first_briefed)

    def reminder(self, decision: _Decision, requirement_id: int, recipient: int) -> None:
        """The 'due' reminder the owner was sent on the brief-by morning."""
        reminder_id = self.ids.take("reminder")
        sent_at = local_to_utc(decision.brief_by, time(8))
        self.rows["reminder"].append(
            (
                reminder_id,
                requirement_id,
                decision.id,
                None,
                recipient,
                "due",
                decision.brief_by,
                sent_at,
                "sent",
                1,
                None,
                None,
                None,
                sent_at,
                sent_at,
                f"<demo.{reminder_id}@example.org>",
                None,
                sent_at,
                sent_at,
            )
        )

    def briefing(
        self, decision: _Decision, requirement_id: int, person_id: int, occurred_at: datetime
    ) -> None:
        """The owner briefed the partner (logged by their PA, if they have one)."""
        briefing_id = self.ids.take("briefing")
        logger = self.world.pa_for_owner.get(decision.owner)
        self.rows["briefing"].append(
            (
                briefing_id,
                occurred_at,
                self.rng.choice(CHANNELS),
                None,
                None,
                self.rng.random() < 0.7,
                decision.owner,
                decision.owner if logger else None,
                logger,
                occurred_at,
                occurred_at,
            )
        )
        self.rows["briefing_attendee"].append((briefing_id, person_id))
        self.rows["briefing_decision"].append((briefing_id, decision.id))
        self.audit(
            occurred_at, logger, ("requirement", requirement_id), decision.id, "briefed", "Briefed"
        )

    def surprise(self, decision: _Decision, person_id: int) -> None:
        self.rows["surprise_report"].append(
            (
                self.ids.take("surprise_report"),
                decision.id,
                person_id,
                decision.event_at + timedelta(days=1),
                "We heard about this from the local paper.",
                None,
                decision.event_at,
            )
        )

    def bench_engagements(self) -> None:
        """500 engagements with the bench organisation's people, for the history page."""
        people = [
            p for p, org in self.world.person_org.items() if org == self.world.bench_organisation
        ]
        if not people:
            return
        now = self.run.now
        for n in range(500):
            briefing_id = self.ids.take("briefing")
            occurred = now - timedelta(days=n * 3 + 1)
            self.rows["briefing"].append(
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
            self.rows["briefing_attendee"].append((briefing_id, people[n % len(people)]))
        self.flush()
