"""What the organisations and people pages share: one set of views for adding, editing,
archiving, restoring, deleting and importing records, plus confirmation pages and CSV
downloads.

Each register (`tracker.web.organisations`, `tracker.web.people`) describes itself with a
`Register` (its service, its forms, its list columns, its wording) and
`RegisterViews.add_to(bp)` adds the routes to its blueprint under the same endpoint names
and URLs for both: `<area>.index`, `.export`, `.new`, `.edit`, `.archive`, `.restore`,
`.delete`, `.import_upload`, `.import_preview`. Each module keeps its own `show` page.

Who may do what is the services' decision (`tracker.services.registers`): the views ask
it before showing a form and the services refuse again on every change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import login_required
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import Form

from tracker.domain.errors import InvalidInput
from tracker.services import csv_export
from tracker.services import registers as rules
from tracker.services.actor import Actor
from tracker.services.registers import DuplicateError
from tracker.web import imports
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm
from tracker.web.listing import args_int, list_url, pagination, sort_headers
from tracker.web.nhs import LinkedError

if TYPE_CHECKING:
    from tracker.models import Organisation, Person

    Record = Organisation | Person


class ConfirmForm(NhsForm):
    pass


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


# --- one register, described ---------------------------------------------------------------


class RegisterService(Protocol):
    """What `tracker.services.organisations` and `tracker.services.people` both offer."""

    EXPORT_HEADERS: tuple[str, ...]

    def search(self, filters: Any, page: int = 1) -> Any: ...
    def for_export(self, filters: Any) -> list[Any]: ...
    def export_rows(self, records: list[Any]) -> list[tuple[object, ...]]: ...
    def require(self, record_id: int) -> Any: ...
    def create(self, who: Actor, data: Any) -> Any: ...
    def update(self, who: Actor, record: Any, data: Any) -> Any: ...
    def archive(self, who: Actor, record: Any) -> None: ...
    def restore(self, who: Actor, record: Any) -> None: ...
    def delete(self, who: Actor, record: Any) -> None: ...
    def has_history(self, record: Any) -> bool: ...


class RegisterForm(NhsForm):
    def data_for_service(self) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Wording:
    """What the pages say about a record of this register, beyond its name."""

    noun: str  # "organisation": the buttons ("Archive organisation")
    them: str  # "it": "You can restore it at any time."
    they_have: str  # "it has": "… cannot be deleted because it has history"
    archive: tuple[str, ...]  # the paragraphs of each confirmation page
    restore: tuple[str, ...]
    undeletable: tuple[str, ...]
    delete: tuple[str, ...]


@dataclass(frozen=True)
class Register:
    area: str  # the blueprint, the URL prefix, the template folder and the import kind
    id_arg: str  # "organisation_id": the record's id in URLs
    record_arg: str  # "organisation": the record in the form template
    service: RegisterService
    wording: Wording
    name_of: Callable[[Any], str]
    filters: Callable[[], Any]  # the list's filters, read from the query string
    filter_form: Callable[[Any], Form]  # the list's filter form, for those filters
    columns: list[tuple[str, str | None]]  # the list's headers, and the sort key of each
    build_form: Callable[[Any], RegisterForm]  # the record, or None for a new one
    # After the record is saved, with the same form: what else the form changes.
    save_more: Callable[[Actor, Any, Any], None] | None = None


class RegisterViews:
    """The add, edit, archive, restore, delete and import pages of one register."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self.wording = register.wording

    def add_to(self, bp: Blueprint) -> None:
        record = f"/<int:{self.register.id_arg}>"
        bp.add_url_rule("/", "index", login_required(self.index))
        bp.add_url_rule("/export.csv", "export", login_required(self.export))
        routes: list[tuple[str, str, Callable[..., Response | str]]] = [
            ("/new", "new", self.new),
            (f"{record}/edit", "edit", self.edit),
            (f"{record}/archive", "archive", self.archive),
            (f"{record}/restore", "restore", self.restore),
            (f"{record}/delete", "delete", self.delete),
            ("/import", "import_upload", self.import_upload),
            ("/import/<token>", "import_preview", self.import_preview),
        ]
        for rule, endpoint, view in routes:
            bp.add_url_rule(rule, endpoint, login_required(view), methods=["GET", "POST"])

    # --- helpers --------------------------------------------------------------------------

    def _name(self, record: Record) -> str:
        return self.register.name_of(record)

    def _url(self, endpoint: str, record: Record | None = None) -> str:
        ids = {} if record is None else {self.register.id_arg: record.id}
        return url_for(f"{self.register.area}.{endpoint}", **ids)

    def _load(self, ids: dict[str, int]) -> Record:
        record: Record = self.register.service.require(ids[self.register.id_arg])
        return record

    def _duplicate(self, form: NhsForm, error: DuplicateError) -> None:
        existing = error.existing
        form.add_error(
            error.field,
            LinkedError(str(error), self._url("show", existing), f"Go to {self._name(existing)}"),
        )

    # --- the list and its export ------------------------------------------------------------

    def index(self) -> str:
        filters = self.register.filters()
        page = self.register.service.search(filters, args_int("page", 1) or 1)
        return render_template(
            f"{self.register.area}/index.html",
            filter_form=self.register.filter_form(filters),
            filters=filters,
            page=page,
            headers=sort_headers(self.register.columns, filters.sort, filters.descending),
            pagination_params=pagination(page),
            export_url=list_url(f"{self.register.area}.export", page=None),
        )

    def export(self) -> Response:
        service = self.register.service
        records = service.for_export(self.register.filters())
        rows = service.export_rows(records)
        return csv_download(self.register.area, service.EXPORT_HEADERS, rows)

    # --- add and edit ---------------------------------------------------------------------

    def new(self) -> Response | str:
        rules.require_editor(current_actor(), f"add {self.register.area}")
        return self._form(None)

    def edit(self, **ids: int) -> Response | str:
        rules.require_editor(current_actor(), f"change {self.register.area}")
        return self._form(self._load(ids))

    def _form(self, record: Record | None) -> Response | str:
        form = self.register.build_form(record)
        if form.validate_on_submit():
            try:
                saved = self._save(record, form)
            except DuplicateError as error:
                self._duplicate(form, error)
            except InvalidInput as error:
                form.add_error(error.field, str(error))
            else:
                done = "added" if record is None else "saved"
                flash(f"{self._name(saved)} has been {done}.", "success")
                return redirect(self._url("show", saved))
        template = f"{self.register.area}/form.html"
        return render_template(template, form=form, **{self.register.record_arg: record})

    def _save(self, record: Record | None, form: RegisterForm) -> Record:
        actor = current_actor()
        service = self.register.service
        data = form.data_for_service()
        saved: Record = (
            service.create(actor, data) if record is None else service.update(actor, record, data)
        )
        if self.register.save_more is not None:
            self.register.save_more(actor, form, saved)
        return saved

    # --- archive, restore, delete ------------------------------------------------------------

    def archive(self, **ids: int) -> Response | str:
        return self._set_archived(ids, archived=True)

    def restore(self, **ids: int) -> Response | str:
        return self._set_archived(ids, archived=False)

    def _set_archived(self, ids: dict[str, int], *, archived: bool) -> Response | str:
        actor = current_actor()
        rules.require_curator(actor, f"archive or restore {self.register.area}")
        record = self._load(ids)
        name = self._name(record)
        show_url = self._url("show", record)
        if record.is_archived == archived:
            flash(f"{name} is {'already' if archived else 'not'} archived.", "info")
            return redirect(show_url)
        form = ConfirmForm()
        service = self.register.service
        if form.validate_on_submit():
            if archived:
                service.archive(actor, record)
                flash(
                    f"{name} has been archived. You can restore {self.wording.them} at any time.",
                    "success",
                )
            else:
                service.restore(actor, record)
                flash(f"{name} has been restored.", "success")
            return redirect(show_url)
        verb = "Archive" if archived else "Restore"
        return confirm_page(
            form,
            title=f"{verb} {name}?",
            paragraphs=list(self.wording.archive if archived else self.wording.restore),
            button=f"{verb} {self.wording.noun}",
            action=self._url("archive" if archived else "restore", record),
            cancel=show_url,
        )

    def delete(self, **ids: int) -> Response | str:
        actor = current_actor()
        rules.require_curator(actor, f"delete {self.register.area}")
        record = self._load(ids)
        name = self._name(record)
        form = ConfirmForm()
        page = {"action": self._url("delete", record), "cancel": self._url("show", record)}
        if self.register.service.has_history(record):
            if form.validate_on_submit():
                form.add_error(
                    None, f"{name} cannot be deleted because {self.wording.they_have} history"
                )
            title = f"{name} cannot be deleted"
            return confirm_page(
                form, title=title, paragraphs=list(self.wording.undeletable), button=None, **page
            )
        if form.validate_on_submit():
            self.register.service.delete(actor, record)
            flash(f"{name} has been deleted.", "success")
            return redirect(self._url("index"))
        return confirm_page(
            form,
            title=f"Delete {name}?",
            paragraphs=list(self.wording.delete),
            button=f"Delete {self.wording.noun}",
            warning=True,
            **page,
        )

    # --- CSV import ---------------------------------------------------------------------------

    def import_upload(self) -> Response | str:
        return imports.upload(self.register.area)

    def import_preview(self, token: str) -> Response | str:
        return imports.preview(self.register.area, token)
