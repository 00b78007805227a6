"""Sign in, sign out and change password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.extensions import limiter
from tracker.security.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from tracker.security.redirects import safe_next
from tracker.services import users as user_service
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm

bp = Blueprint("auth", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"


class SignInForm(NhsForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )


class SignOutForm(NhsForm):
    pass


def new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        description=(
            f"Use at least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well."
        ),
        validators=[
            DataRequired("Enter a new password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Password must be between {MIN_PASSWORD_LENGTH} and "
                f"{MAX_PASSWORD_LENGTH} characters",
            ),
        ],
    )


def confirm_password_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Confirm the new password"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )


class ChangePasswordForm(NhsForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    new_password = new_password_field()
    confirm_password = confirm_password_field()


def _account_key() -> str:
    email = user_service.normalise_email(request.form.get("email", ""))[:254]
    return f"sign-in-account:{email}"


def _failed(response: Response) -> bool:
    # Only failed attempts count, so a busy shared office is not locked out by successes.
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    deduct_when=_failed,
    scope="sign-in-ip",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,
    scope="sign-in-account",
)
def sign_in() -> Response | str:
    next_url = safe_next(request.values.get("next"), url_for("main.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = SignInForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            # The sign-in is recorded by the request's unit of work (it commits on the
            # redirect). A fresh session at sign-in defeats session fixation.
            session.clear()
            login_user(user)
            return redirect(next_url)
        form.add_error("email", SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out() -> Response | str:
    form = SignOutForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | str:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user_service.change_own_password(
                current_actor(),
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
            )
        except user_service.UserError as error:
            form.add_error(error.field, str(error))
        else:
            # The session version changed: sign this session in again, others stay out.
            login_user(current_user._get_current_object(), fresh=True)
            flash(
                "Your password has been changed. You have been signed out everywhere else.",
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
