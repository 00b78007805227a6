"""Users: sign-in, passwords and administration."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.domain.errors import InvalidInput
from tracker.extensions import db
from tracker.models import ReminderDelivery, Role, User, utcnow
from tracker.security.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)


class UserError(InvalidInput):
    """A change to users that the rules refuse; `field` names the form field at fault."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


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


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.display_name))))


def users_with_role(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == role.value, User.is_active.is_(True))
            .order_by(func.lower(User.display_name))
        )
    )


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (without saying which was wrong)."""
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


def _check_email_free(email: str, exclude: User | None = None) -> None:
    existing = get_by_email(email)
    if existing is not None and existing is not exclude:
        raise UserError("A user with this email address already exists", field="email")


def create_user(*, email: str, display_name: str, role: Role | str, password: str) -> User:
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


def default_reminder_delivery(role: Role) -> ReminderDelivery:
    """PAs look after several leaders' reminders, so one daily digest suits them best."""
    return ReminderDelivery.DIGEST if role == Role.PA else ReminderDelivery.INDIVIDUAL


def set_reminder_delivery(user: User, delivery: ReminderDelivery | str) -> None:
    user.reminder_delivery = ReminderDelivery(delivery).value
    db.session.flush()


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.is_active.is_(True))
    )


def update_user(
    user: User,
    *,
    acting: User,
    email: str,
    display_name: str,
    role: Role | str,
    is_active: bool,
) -> User:
    email = normalise_email(email)
    role = Role(role)
    _check_email_free(email, exclude=user)
    losing_admin = user.is_admin and user.is_active and (role != Role.ADMIN or not is_active)
    if losing_admin and active_admin_count() <= 1:
        raise UserError(
            "There must always be at least one active admin. Make someone else an admin first.",
            field="role" if role != Role.ADMIN else "is_active",
        )
    if user.id == acting.id and not is_active:
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


def set_active(user: User, *, acting: User, is_active: bool) -> User:
    return update_user(
        user,
        acting=acting,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        is_active=is_active,
    )


def set_password(user: User, new_password: str) -> None:
    """Set a new password and end every existing session of the user."""
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.flush()


def change_own_password(user: User, *, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise UserError("Your current password is not right", field="current_password")
    if current_password == new_password:
        raise UserError(
            "Your new password must be different from your current one", field="new_password"
        )
    set_password(user, new_password)
