"""Engagement history pages for a person or an organisation, their CSV exports, and the
keep-in-touch cadence of a person.

The register pages (people.show, organisations.show) include the same partials
(templates/history/_timeline.html and _health.html); these pages are the full timeline
with filters and pagination.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from tracker.domain.keep_in_touch import MAX_CADENCE_DAYS, MIN_CADENCE_DAYS
from tracker.domain.vocabulary import CHANNEL_LABELS, Channel
from tracker.services import csv_export, history
from tracker.services.calendar import today_london
from tracker.web.actor import current_actor
from tracker.web.fields import NhsDateField
from tracker.web.forms import NhsForm

if TYPE_CHECKING:
    from tracker.models import Person

bp = Blueprint("history", __name__)


class HistoryFilterForm(NhsForm):
    class Meta:
        csrf = False  # a GET form that only filters what the page shows

    date_from = NhsDateField("From")
    date_to = NhsDateField("To")
    channel = SelectField(
        "Channel",
        choices=[SelectChoice("", "Any channel")]
        + [SelectChoice(c.value, CHANNEL_LABELS[c]) for c in Channel],
        validate_choice=False,
    )
    person = SelectField("Person", coerce=str, validate_choice=False)


class KeepInTouchForm(NhsForm):
    keep_in_touch_days = IntegerField(
        "Keep in touch every",
        description="Number of days, for example 30. Leave empty for no regular contact.",
        validators=[
            Optional(),
            NumberRange(
                min=MIN_CADENCE_DAYS,
                max=MAX_CADENCE_DAYS,
                message=f"Enter a number of days from {MIN_CADENCE_DAYS} to {MAX_CADENCE_DAYS}",
            ),
        ],
    )


_SENTINEL = 987654321


def _url_builder(endpoint: str, argument: str) -> tuple[str, str]:
    """(before, after) the id in `endpoint`'s URL, worked out once per request.

    Maps and timelines link thousands of people: building each link with url_for costs
    more than the rest of the row. The URL rule is fixed, so one url_for with a stand-in
    id gives the pattern every other id fills in.
    """
    cache: dict[str, tuple[str, str]] = g.setdefault("_url_patterns", {})
    if endpoint not in cache:
        url = url_for(endpoint, **{argument: _SENTINEL})
        before, _, after = url.partition(str(_SENTINEL))
        cache[endpoint] = (before, after)
    return cache[endpoint]


def _id_url(endpoint: str, argument: str, value: int) -> str:
    if not has_request_context() or type(value) is not int or value < 0:
        return url_for(endpoint, **{argument: value})
    before, after = _url_builder(endpoint, argument)
    return f"{before}{value}{after}"


def person_url(person_id: int) -> str:
    """The person's register page once it exists, else their history page."""
    if "people.show" in current_app.view_functions:
        return _id_url("people.show", "person_id", person_id)
    return _id_url("history.person", "person_id", person_id)


def organisation_url(organisation_id: int) -> str:
    if "organisations.show" in current_app.view_functions:
        return _id_url("organisations.show", "organisation_id", organisation_id)
    return _id_url("history.organisation", "organisation_id", organisation_id)


@bp.app_context_processor
def register_links() -> dict[str, Any]:
    return {"person_url": person_url, "organisation_url": organisation_url}


def _is_id(value: str) -> bool:
    """A positive whole number as an id is written: ASCII digits, no leading zero."""
    return value.isascii() and value.isdecimal() and value[0] != "0" and len(value) < 10


def _filters() -> tuple[HistoryFilterForm, history.HistoryFilters]:
    """The filters asked for. The one-person filter is any id here: the service keeps it
    only for one of the organisation's people (`_person_choices` then lists them)."""
    form = HistoryFilterForm(request.args)
    form.person.choices = [SelectChoice("", "Anyone")]
    form.validate()
    channel = form.channel.data if form.channel.data in set(Channel) else ""
    value = form.person.data or ""
    person_id = int(value) if _is_id(value) else None
    date_from = form.date_from.data if not form.date_from.errors else None
    date_to = form.date_to.data if not form.date_to.errors else None
    if date_from and date_to and date_to < date_from:
        form.add_error("date_to", "The last date must be the same as or after the first date")
        date_to = None
    return form, history.HistoryFilters(
        date_from=date_from, date_to=date_to, channel=channel, person_id=person_id
    )


def _person_choices(form: HistoryFilterForm, people: Iterable[Person]) -> None:
    form.person.choices = [SelectChoice("", "Anyone")] + [
        SelectChoice(str(p.id), p.full_name) for p in people
    ]


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


def _args() -> dict[str, str]:
    """The filter query string, for pagination and the export link."""
    return {
        key: value
        for key, value in request.args.items()
        if key != "page" and value and len(value) < 50
    }


@bp.route("/people/<int:person_id>/history")
@login_required
def person(person_id: int) -> str:
    form, filters = _filters()
    shown = history.person_timeline(current_actor(), person_id, filters=filters, page=_page())
    return render_template(
        "history/person.html",
        person=shown.person,
        form=form,
        page=shown.page,
        health=shown.health,
        args=_args(),
        can_set_cadence=shown.can_set_cadence,
    )


@bp.route("/organisations/<int:organisation_id>/history")
@login_required
def organisation(organisation_id: int) -> str:
    form, filters = _filters()
    shown = history.organisation_timeline(
        current_actor(), organisation_id, filters=filters, page=_page()
    )
    _person_choices(form, shown.people)
    return render_template(
        "history/organisation.html",
        organisation=shown.organisation,
        form=form,
        page=shown.page,
        health=shown.health,
        args=_args(),
    )


def _csv(export: history.HistoryExport) -> Response:
    today = today_london()
    body = csv_export.csv_bytes(history.EXPORT_HEADERS, history.export_rows(export.entries))
    return Response(
        body,
        content_type=csv_export.CONTENT_TYPE,
        headers={
            "Content-Disposition": csv_export.content_disposition(
                csv_export.dated_filename(export.stem, today)
            )
        },
    )


@bp.route("/people/<int:person_id>/history/export.csv")
@login_required
def person_export(person_id: int) -> Response:
    _form, filters = _filters()
    return _csv(history.person_export(current_actor(), person_id, filters))


@bp.route("/organisations/<int:organisation_id>/history/export.csv")
@login_required
def organisation_export(organisation_id: int) -> Response:
    _form, filters = _filters()
    return _csv(history.organisation_export(current_actor(), organisation_id, filters))


@bp.route("/people/<int:person_id>/keep-in-touch", methods=["GET", "POST"])
@login_required
def keep_in_touch(person_id: int) -> Response | str:
    actor = current_actor()
    subject = history.person_for_cadence(actor, person_id)
    form = KeepInTouchForm(obj=subject)
    if form.validate_on_submit():
        changed = history.set_keep_in_touch(actor, subject, form.keep_in_touch_days.data)
        if changed:
            flash(
                f"Keep in touch with {subject.full_name} every {subject.keep_in_touch_days} days."
                if subject.keep_in_touch_days
                else f"No regular contact expected with {subject.full_name}.",
                "success",
            )
        return redirect(url_for(".person", person_id=subject.id))
    return render_template("history/keep_in_touch.html", person=subject, form=form)
