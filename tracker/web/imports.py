"""CSV import pages shared by organisations and people: upload → preview → confirm.

The uploaded file is kept server-side (see ImportBatch) and checked again on confirm,
so what is written is exactly what the user previewed, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, g, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import HiddenField

from tracker.domain.csv_rows import Column
from tracker.domain.errors import InvalidInput
from tracker.domain.register_csv import ORGANISATION_COLUMNS, PEOPLE_COLUMNS
from tracker.domain.vocabulary import (
    CHANNEL_LABELS,
    ORGANISATION_TYPE_LABELS,
    PROFESSIONAL_GROUP_LABELS,
)
from tracker.services import csv_import
from tracker.services import registers as register_rules
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm

PREVIEW_LIMIT = 200  # rows listed per section; the counts are always complete


@dataclass(frozen=True)
class ImportKind:
    name: str
    title: str
    singular: str
    endpoint: str  # the list page
    columns: tuple[Column, ...]


KINDS = {
    "organisations": ImportKind(
        "organisations", "organisations", "organisation", "organisations", ORGANISATION_COLUMNS
    ),
    "people": ImportKind("people", "people", "person", "people", PEOPLE_COLUMNS),
}


class UploadForm(NhsForm):
    file = FileField(
        "Upload a CSV file",
        description="Save your spreadsheet as “CSV UTF-8 (comma delimited)”. "
        "Nothing changes until you have checked the preview and confirmed.",
        validators=[FileRequired("Select a CSV file to upload")],
    )


class ConfirmImportForm(NhsForm):
    create_missing = HiddenField("Create missing organisations")


def upload(kind_name: str) -> Response | str:
    kind = KINDS[kind_name]
    actor = current_actor()
    register_rules.require_editor(actor, f"import {kind.name}")
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        filename = storage.filename or "upload.csv"
        content = storage.read()
        if not filename.lower().endswith((".csv", ".txt")):
            form.add_error("file", "The selected file must be a CSV file (ending .csv)")
        elif not content.strip():
            form.add_error("file", "The selected file is empty")
        else:
            try:
                csv_import.plan_import(kind.name, content)
            except csv_import.CsvFileError as error:
                form.add_error("file", str(error))
            else:
                batch = csv_import.store_upload(actor, kind.name, filename, content)
                return redirect(url_for(f"{kind.endpoint}.import_preview", token=batch.token))
    return render_template(
        "imports/upload.html",
        form=form,
        kind=kind,
        type_labels=ORGANISATION_TYPE_LABELS.values(),
        group_labels=PROFESSIONAL_GROUP_LABELS.values(),
        channel_labels=CHANNEL_LABELS.values(),
    )


def preview(kind_name: str, token: str) -> Response | str:
    kind = KINDS[kind_name]
    actor = current_actor()
    batch = csv_import.get_upload(actor, kind.name, token)  # only the uploader's own
    form = ConfirmImportForm()
    create_missing = kind.name == "people" and request.values.get("create_missing") == "y"
    try:
        plan = csv_import.plan_import(
            kind.name, batch.content, create_missing_organisations=create_missing
        )
    except csv_import.CsvFileError as error:
        flash(str(error), "info")
        return redirect(url_for(f"{kind.endpoint}.import_upload"))

    if form.validate_on_submit():
        if not plan.ok:
            form.add_error(
                None,
                "The file still has problems, so nothing was imported. "
                "Correct them in your spreadsheet and upload it again",
            )
        elif not plan.has_changes:
            csv_import.discard_upload(actor, batch)
            flash("Nothing was imported: every row already matches the register.", "info")
            return redirect(url_for(f"{kind.endpoint}.index"))
        else:
            try:
                result = csv_import.apply_plan(actor, plan)
                csv_import.discard_upload(actor, batch)
            except InvalidInput as error:
                form.add_error(None, str(error))
            else:
                flash(_summary(kind, result), "success")
                return redirect(url_for(f"{kind.endpoint}.index"))

    if not plan.ok:
        g.form_errors_shown = True  # the page title starts "Error: "
    form.create_missing.data = "y" if create_missing else ""
    return render_template(
        "imports/preview.html",
        form=form,
        kind=kind,
        batch=batch,
        plan=plan,
        limit=PREVIEW_LIMIT,
        create_missing=create_missing,
    )


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number:,} {singular if number == 1 else plural}"


def _summary(kind: ImportKind, result: csv_import.ImportResult) -> str:
    plural = kind.title
    parts = [
        f"{_count(result.created, kind.singular, plural)} added",
        f"{_count(result.updated, kind.singular, plural)} updated",
    ]
    if result.organisations_created:
        parts.append(
            f"{_count(result.organisations_created, 'organisation', 'organisations')} created"
        )
    if result.unchanged:
        parts.append(f"{result.unchanged:,} unchanged")
    return "Import complete: " + ", ".join(parts) + "."
