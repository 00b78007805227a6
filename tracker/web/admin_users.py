"""Admin: create, edit, disable and enable users, and reset their passwords."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, Length

from tracker.domain.vocabulary import ROLE_LABELS, Role
from tracker.services import users as user_service
from tracker.web.actor import current_actor
from tracker.web.auth import confirm_password_field, new_password_field
from tracker.web.forms import NhsForm
from tracker.web.permissions import roles_required

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]


class UserDetailsForm(NhsForm):
    display_name = StringField(
        "Full name",
        validators=[DataRequired("Enter the user's full name"), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the user's email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[DataRequired("Select a role")],
    )


class NewUserForm(UserDetailsForm):
    new_password = new_password_field("Password")
    confirm_password = confirm_password_field()


class EditUserForm(UserDetailsForm):
    is_active = BooleanField(
        "Account is active", description="Untick to disable the account and end its sessions."
    )


class ResetPasswordForm(NhsForm):
    new_password = new_password_field()
    confirm_password = confirm_password_field()


class ConfirmForm(NhsForm):
    pass


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> str:
    return render_template("admin/users/index.html", users=user_service.list_users(current_actor()))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new() -> Response | str:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = user_service.add_user(
                current_actor(),
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                role=form.role.data or "",
                password=form.new_password.data or "",
            )
        except user_service.UserError as error:
            form.add_error(error.field, str(error))
        else:
            flash(f"{user.display_name} can now sign in.", "success")
            return redirect(url_for(".index"))
    return render_template("admin/users/new.html", form=form)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(user_id: int) -> Response | str:
    user = user_service.get_user(current_actor(), user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        try:
            user_service.update_user(
                current_actor(),
                user,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                role=form.role.data or "",
                is_active=bool(form.is_active.data),
            )
        except user_service.UserError as error:
            form.add_error(error.field, str(error))
        else:
            flash(f"{user.display_name}'s details have been saved.", "success")
            return redirect(url_for(".index"))
    return render_template("admin/users/edit.html", form=form, user=user)


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int) -> Response | str:
    user = user_service.get_user(current_actor(), user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user_service.reset_password(current_actor(), user, form.new_password.data or "")
        flash(
            f"{user.display_name}'s password has been reset and their sessions ended. "
            "Tell them the new password in a secure way.",
            "success",
        )
        return redirect(url_for(".index"))
    return render_template("admin/users/reset_password.html", form=form, user=user)


@bp.route("/<int:user_id>/disable", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def disable(user_id: int) -> Response | str:
    return _set_active(user_id, False)


@bp.route("/<int:user_id>/enable", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def enable(user_id: int) -> Response | str:
    return _set_active(user_id, True)


def _set_active(user_id: int, is_active: bool) -> Response | str:
    user = user_service.get_user(current_actor(), user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user_service.set_active(current_actor(), user, is_active=is_active)
        except user_service.UserError as error:
            form.add_error(None, str(error))
        else:
            state = "enabled" if is_active else "disabled"
            flash(f"{user.display_name}'s account has been {state}.", "success")
            return redirect(url_for(".index"))
    return render_template(
        "admin/users/confirm_active.html", form=form, user=user, enabling=is_active
    )
