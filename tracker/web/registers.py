"""What the organisations and people areas share: confirmation pages, CSV downloads, links."""

from __future__ import annotations

from datetime import date

from flask import make_response, render_template, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from tracker.models import Organisation, Person
from tracker.services import csv_export
from tracker.services.organisations import DuplicateError
from tracker.web.forms import NhsForm
from tracker.web.nhs import LinkedError

# Two people saving the same name or email at the same moment: the database refuses one.
CONCURRENT_CHANGE = (
    "Someone else saved a record with the same details a moment ago, so this was not saved. "
    "Check the list, then try again"
)


class ConfirmForm(NhsForm):
    pass


def record_url(record: Organisation | Person) -> str:
    if isinstance(record, Organisation):
        return url_for("organisations.show", organisation_id=record.id)
    return url_for("people.show", person_id=record.id)


def record_name(record: Organisation | Person) -> str:
    return record.name if isinstance(record, Organisation) else record.full_name


def duplicate_error(form: NhsForm, error: DuplicateError) -> None:
    existing = error.existing
    form.add_error(
        error.field,
        LinkedError(str(error), record_url(existing), f"Go to {record_name(existing)}"),
    )


def csv_download(stem: str, headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> Response:
    response = make_response(csv_export.csv_bytes(headers, rows))
    response.headers["Content-Type"] = csv_export.CONTENT_TYPE
    filename = csv_export.dated_filename(stem, date.today())
    response.headers["Content-Disposition"] = csv_export.content_disposition(filename)
    return response


def confirm_page(
    form: ConfirmForm,
    *,
    title: str,
    paragraphs: list[str | Markup],
    button: str | None,
    action: str,
    cancel: str,
    warning: bool = False,
) -> str:
    return render_template(
        "registers/confirm.html",
        form=form,
        title=title,
        paragraphs=paragraphs,
        button=button,
        action=action,
        cancel=cancel,
        warning=warning,
    )
