"""Helpers for the reminder tests: a real SMTP server and a small cast with a decision.

`SmtpServer` is aiosmtpd on 127.0.0.1 on a free port, collecting every message it
accepts. `World` is a leader (with a Person record), their PA, a manager and a viewer,
a partner organisation with people to brief, and helpers to log decisions through the
real services (so the services' reminder hooks run as they do in the app).
"""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from tracker.domain.localtime import local_to_utc
from tracker.extensions import db
from tracker.models import (
    BriefingRequirement,
    Decision,
    Organisation,
    Person,
    Reminder,
    ReminderStatus,
    Role,
    User,
)
from tracker.services import decisions
from tracker.services import users as user_service
from tracker.services.decisions import DecisionInput, PartnerInput

PASSWORD = "correct-horse-battery"
REMINDER_IDS_HEADER = "X-No-Surprises-Reminders"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # A long subject is folded right after "Subject:"; unfolding leaves a space.
        return str(self.message["Subject"]).strip()

    @property
    def reminder_ids(self) -> list[int]:
        return [int(part) for part in str(self.message[REMINDER_IDS_HEADER]).split(",")]

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content()


class Collector:
    """An aiosmtpd handler that keeps what it accepts and can be told to refuse."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        #: Accept this many more messages, then answer 421 (service going away).
        self.accept_limit: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.accept_limit is not None and self.accept_limit <= 0:
                return "421 4.3.2 Service shutting down"
            if self.accept_limit is not None:
                self.accept_limit -= 1
            message = email.message_from_bytes(envelope.content, policy=default_policy)
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    collector: Collector = field(default_factory=Collector)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.collector.lock:
            return list(self.collector.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]

    def clear(self) -> None:
        with self.collector.lock:
            self.collector.received.clear()


def london(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return local_to_utc(day, time(hour, minute))


@dataclass
class World:
    leader_id: int
    pa_id: int
    manager_id: int
    viewer_id: int
    admin_id: int
    owner_person_id: int
    partner_ids: list[int]

    def user(self, user_id: int) -> User:
        user = db.session.get(User, user_id)
        assert user is not None
        return user

    @property
    def leader(self) -> User:
        return self.user(self.leader_id)

    def decision(
        self,
        title: str,
        event_at: datetime,
        *,
        lead_time: int = 5,
        partners: int = 1,
        sensitivity: str = "internal",
        embargo_lifts_at: datetime | None = None,
    ) -> Decision:
        """A planned decision owned by the leader, with `partners` people to brief."""
        decision = decisions.create_decision(
            self.leader,
            DecisionInput(
                title=title,
                kind="announcement",
                owner_person_id=self.owner_person_id,
                event_at=event_at,
                lead_time=lead_time,
                sensitivity=sensitivity,
                embargo_lifts_at=embargo_lifts_at,
            ),
        )
        decisions.add_partners(
            self.leader,
            decision,
            [PartnerInput(person_id) for person_id in self.partner_ids[:partners]],
        )
        db.session.commit()
        return decision


def make_world(partner_count: int = 3) -> World:
    """Create the cast (call inside an app context); commits."""

    def user(role: Role, email_address: str, name: str) -> User:
        return user_service.create_user(
            email=email_address, display_name=name, role=role, password=PASSWORD
        )

    leader = user(Role.LEADER, "leader@example.org", "Lee Leader")
    pa = user(Role.PA, "pa@example.org", "Pat Assistant")
    manager = user(Role.MANAGER, "manager@example.org", "Morgan Manager")
    viewer = user(Role.VIEWER, "viewer@example.org", "Vic Viewer")
    admin = user(Role.ADMIN, "admin@example.org", "Alex Admin")
    icb = Organisation(name="Anyshire ICB", name_key="anyshire icb", org_type="icb")
    council = Organisation(
        name="Anyshire County Council", name_key="anyshire county council", org_type="la_county"
    )
    db.session.add_all([icb, council])
    db.session.flush()
    owner = Person(
        full_name="Lee Leader",
        name_key="lee leader",
        job_title="Chief Executive",
        organisation_id=icb.id,
        user_id=leader.id,
    )
    owner.pas = [pa]
    db.session.add(owner)
    partners = []
    for n in range(partner_count):
        name = "Cllr Ann Smith" if n == 0 else f"Partner {n:03d}"
        partner = Person(
            full_name=name,
            name_key=name.lower(),
            job_title="Leader of the council" if n == 0 else None,
            organisation_id=council.id,
        )
        db.session.add(partner)
        partners.append(partner)
    db.session.flush()
    world = World(
        leader_id=leader.id,
        pa_id=pa.id,
        manager_id=manager.id,
        viewer_id=viewer.id,
        admin_id=admin.id,
        owner_person_id=owner.id,
        partner_ids=[p.id for p in partners],
    )
    db.session.commit()
    return world


def outbox(**filters: Any) -> list[Reminder]:
    query = select(Reminder).order_by(Reminder.for_day, Reminder.recipient_user_id, Reminder.id)
    for name, value in filters.items():
        query = query.where(getattr(Reminder, name) == value)
    return list(db.session.scalars(query))


def owed(status: str = ReminderStatus.PENDING.value) -> set[tuple[int, str, date]]:
    """(recipient, kind, day) of the rows in `status`."""
    return {(r.recipient_user_id, r.kind, r.for_day) for r in outbox(status=status)}


def requirement_of(decision: Decision) -> BriefingRequirement:
    return decision.requirements[0]


@dataclass
class UserInfoLike:
    """What `AuthActions.login_as` needs: an email and a password."""

    email: str
    password: str
