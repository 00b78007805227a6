"""Users: sign-in, passwords and administration.

Managing users (listing them, adding, editing, disabling and enabling them, resetting a
password) is for admins only: those functions take the acting user first and raise
`Forbidden` for anyone else. `create_user` and `set_password` are the unconditioned
steps underneath, for the `flask create-user` command (which makes the first admin)
and the tests.
"""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.vocabulary import ReminderDelivery, Role
from tracker.extensions import db
from tracker.models import User, utcnow
from tracker.security.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from tracker.services.actor import Who, as_actor
from tracker.services.permissions import require_admin

ADMINS_ONLY = "Only admins can manage users."
NO_SUCH_USER = "There is no user with this id."


class UserError(InvalidInput):
    """A change to users that the rules refuse; `field` names the form field at fault."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def load_for_session(session_id: str) -> User | None:
    """Flask-Login's user loader: '<id>:<session version>' of an active user, else None."""
    user_part, _, version_part = session_id.partition(":")
    if not user_part.isdigit() or not version_part.isdigit():
        return None
    user = db.session.get(User, int(user_part))
    if user is None or not user.is_active or user.session_version != int(version_part):
        return None
    return user


# --- signing in, and one's own account ------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (without saying which was wrong).

    Records the sign-in (and upgrades an old password hash) in the caller's unit of work.
    """
    user = get_by_email(email) if email else None
    if user is None:
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    db.session.flush()
    return user


def default_reminder_delivery(role: Role) -> ReminderDelivery:
    """PAs look after several leaders' reminders, so one daily digest suits them best."""
    return ReminderDelivery.DIGEST if role == Role.PA else ReminderDelivery.INDIVIDUAL


def set_reminder_delivery(who: Who, delivery: ReminderDelivery | str) -> None:
    """How the actor gets their own reminders."""
    user = as_actor(who).require_user()
    user.reminder_delivery = ReminderDelivery(delivery).value
    db.session.flush()


def change_own_password(who: Who, *, current_password: str, new_password: str) -> None:
    user = as_actor(who).require_user()
    if not verify_password(user.password_hash, current_password):
        raise UserError("Your current password is not right", field="current_password")
    if current_password == new_password:
        raise UserError(
            "Your new password must be different from your current one", field="new_password"
        )
    set_password(user, new_password)


def set_password(user: User, new_password: str) -> None:
    """Set a new password and end every existing session of the user."""
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.flush()


# --- creating users -------------------------------------------------------------------------


def _check_email_free(email: str, exclude: User | None = None) -> None:
    existing = get_by_email(email)
    if existing is not None and existing is not exclude:
        raise UserError("A user with this email address already exists", field="email")


def create_user(*, email: str, display_name: str, role: Role | str, password: str) -> User:
    """A new active user. No actor: see `add_user` for an admin adding one."""
    email = normalise_email(email)
    _check_email_free(email)
    role = Role(role)
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role.value,
        password_hash=hash_password(password),
        is_active=True,
        session_version=1,
        reminder_delivery=default_reminder_delivery(role).value,
    )
    db.session.add(user)
    db.session.flush()
    return user


# --- administration (admins only) -----------------------------------------------------------


def list_users(who: Who) -> list[User]:
    require_admin(who, ADMINS_ONLY)
    return list(db.session.scalars(select(User).order_by(func.lower(User.display_name))))


def get_user(who: Who, user_id: int) -> User:
    """The user with this id, for an admin; `NotFound` if there is none."""
    require_admin(who, ADMINS_ONLY)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(NO_SUCH_USER)
    return user


def add_user(who: Who, *, email: str, display_name: str, role: Role | str, password: str) -> User:
    require_admin(who, ADMINS_ONLY)
    return create_user(email=email, display_name=display_name, role=role, password=password)


def active_admin_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.is_active.is_(True))
        )
        or 0
    )


def update_user(
    who: Who,
    user: User,
    *,
    email: str,
    display_name: str,
    role: Role | str,
    is_active: bool,
) -> User:
    acting = require_admin(who, ADMINS_ONLY)
    email = normalise_email(email)
    role = Role(role)
    _check_email_free(email, exclude=user)
    losing_admin = user.is_admin and user.is_active and (role != Role.ADMIN or not is_active)
    if losing_admin and active_admin_count() <= 1:
        raise UserError(
            "There must always be at least one active admin. Make someone else an admin first.",
            field="role" if role != Role.ADMIN else "is_active",
        )
    if user.id == acting.user_id and not is_active:
        raise UserError("You cannot disable your own account", field="is_active")
    if user.is_active and not is_active:
        # Ending every session at once: a disabled user's cookie must stop working.
        user.session_version += 1
    user.email = email
    user.display_name = display_name.strip()
    user.role = role.value
    user.is_active = is_active
    db.session.flush()
    return user


def set_active(who: Who, user: User, *, is_active: bool) -> User:
    return update_user(
        who,
        user,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        is_active=is_active,
    )


def reset_password(who: Who, user: User, new_password: str) -> None:
    """An admin sets someone's password; every session of theirs ends."""
    require_admin(who, ADMINS_ONLY)
    set_password(user, new_password)
