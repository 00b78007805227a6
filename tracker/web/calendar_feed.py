"""Calendar subscription (account page, rotation), the feed itself, and one-decision .ics."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import login_required

from tracker.services import calendar_feeds
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm

bp = Blueprint("calendar_feed", __name__)

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


class ConfirmNewAddressForm(NhsForm):
    """Only a CSRF token: the button is the confirmation."""


def _host() -> str:
    return calendar_feeds.uid_host(current_app.config["BASE_URL"])


def _decision_url(decision_id: int) -> str:
    return url_for("decisions.show", decision_id=decision_id, _external=True)


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=ICS_CONTENT_TYPE)
    # An attachment, so a browser never renders it (calendar apps ignore the header).
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Private to one user: never kept by a browser or a shared cache.
    response.headers["Cache-Control"] = "no-store, private"
    return response


@bp.route("/calendar/<token>.ics")
def feed(token: str) -> Response:
    """The subscription feed. No sign-in (calendar apps cannot): the token is the key."""
    body = calendar_feeds.feed_for_token(token, host=_host(), url_for_decision=_decision_url)
    return _ics(body, "no-surprises.ics")


@bp.route("/decisions/<int:decision_id>.ics")
@login_required
def decision(decision_id: int) -> Response:
    body = calendar_feeds.decision_calendar(
        current_actor(), decision_id, host=_host(), url_for_decision=_decision_url
    )
    return _ics(body, f"decision-{decision_id}.ics")


def _addresses(token: str) -> dict[str, str]:
    https = url_for("calendar_feed.feed", token=token, _external=True)
    _scheme, _, rest = https.partition("://")
    return {"https": https, "webcal": f"webcal://{rest}"}


@bp.route("/account/calendar")
@login_required
def account() -> str:
    subscription = calendar_feeds.subscription(current_actor(), current_app.config["SECRET_KEY"])
    return render_template(
        "calendar/account.html",
        feed=subscription.feed,
        addresses=_addresses(subscription.token) if subscription.token else None,
        stale=subscription.stale,
    )


@bp.route("/account/calendar/new-address", methods=["GET", "POST"])
@login_required
def new_address() -> Response | str:
    actor = current_actor()
    feed_row = calendar_feeds.get_feed(actor)
    form = ConfirmNewAddressForm()
    if form.validate_on_submit():
        calendar_feeds.create_or_rotate(actor, current_app.config["SECRET_KEY"])
        flash(
            "Your new calendar address is ready. The old address no longer works."
            if feed_row
            else "Your calendar address is ready.",
            "success",
        )
        return redirect(url_for(".account"))
    return render_template("calendar/new_address.html", form=form, feed=feed_row)
