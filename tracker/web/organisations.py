"""Organisations: list, search, view, add, edit, archive, restore, delete, import, export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    Form,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from tracker.domain import registers as rules
from tracker.extensions import db
from tracker.models import ORGANISATION_TYPE_LABELS, Organisation, OrganisationType
from tracker.services import history
from tracker.services import organisations as service
from tracker.web import imports
from tracker.web.forms import NhsForm, domain_rule
from tracker.web.listing import list_url, pagination, sort_headers
from tracker.web.permissions import REGISTER_CURATORS, REGISTER_EDITORS, roles_required
from tracker.web.registers import (
    CONCURRENT_CHANGE,
    ConfirmForm,
    confirm_page,
    csv_download,
    duplicate_error,
)

#: How many of the latest engagements the register page shows; the rest are on
#: the full history page (history.organisation).
RECENT_ENGAGEMENTS = 5

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

TYPE_CHOICES = [
    SelectChoice(member.value, ORGANISATION_TYPE_LABELS[member]) for member in OrganisationType
]


class OrganisationForm(NhsForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter the organisation’s name"),
            Length(
                max=rules.NAME_MAX, message=f"The name must be {rules.NAME_MAX} characters or fewer"
            ),
        ],
        render_kw={"autocomplete": "off"},
    )
    org_type = SelectField(
        "Type",
        choices=[SelectChoice("", "Choose a type"), *TYPE_CHOICES],
        validators=[DataRequired("Select the type of organisation")],
        invalid_choice_message="Select the type of organisation from the list",
    )
    ods_code = StringField(
        "ODS code (optional)",
        description="The NHS Organisation Data Service code, for example RXQ or 15N. "
        "Leave it blank if the organisation does not have one.",
        validators=[domain_rule(rules.clean_ods_code)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    website = StringField(
        "Website (optional)",
        description="For example, www.northshire.nhs.uk",
        validators=[domain_rule(rules.clean_website)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    notes = TextAreaField(
        "Notes (optional)",
        validators=[
            Length(
                max=rules.NOTES_MAX, message=f"Notes must be {rules.NOTES_MAX} characters or fewer"
            )
        ],
    )

    def data_for_service(self) -> service.OrganisationData:
        return service.OrganisationData(
            name=rules.clean_name(self.name.data),
            org_type=self.org_type.data or "",
            ods_code=rules.clean_ods_code(self.ods_code.data),
            website=rules.clean_website(self.website.data),
            notes=rules.clean_notes(self.notes.data),
        )


class OrganisationFilterForm(Form):
    q = SearchField("Search by name or ODS code")
    type = SelectField("Type", choices=[SelectChoice("", "All types"), *TYPE_CHOICES])
    archived = BooleanField("Include archived organisations")


def _filters() -> service.OrganisationFilters:
    org_type = request.args.get("type", "")
    sort = request.args.get("sort", "name")
    return service.OrganisationFilters(
        q=request.args.get("q", "").strip()[:200],
        org_type=org_type if org_type in {m.value for m in OrganisationType} else None,
        include_archived=request.args.get("archived") == "y",
        sort=sort if sort in service.SORTS else "name",
        descending=request.args.get("order") == "desc",
    )


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = service.get(organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/")
@login_required
def index() -> str:
    filters = _filters()
    page_number = request.args.get("page", "1")
    page = service.search(filters, int(page_number) if page_number.isdigit() else 1)
    headers = sort_headers(
        [("Name", "name"), ("Type", "type"), ("ODS code", "ods"), ("People", "people")],
        filters.sort,
        filters.descending,
    )
    return render_template(
        "organisations/index.html",
        filter_form=OrganisationFilterForm(request.args),
        filters=filters,
        page=page,
        headers=headers,
        pagination_params=pagination(page),
        export_url=list_url("organisations.export", page=None),
    )


@bp.route("/export.csv")
@login_required
def export() -> Response:
    organisations = service.for_export(_filters())
    return csv_download("organisations", service.EXPORT_HEADERS, service.export_rows(organisations))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def new() -> Response | str:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = service.create(form.data_for_service())
            db.session.commit()
        except service.DuplicateError as error:
            db.session.rollback()
            duplicate_error(form, error)
        except IntegrityError:
            db.session.rollback()
            form.add_error(None, CONCURRENT_CHANGE)
        else:
            flash(f"{organisation.name} has been added.", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>")
@login_required
def show(organisation_id: int) -> str:
    organisation = _organisation_or_404(organisation_id)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        people=service.people_of(organisation, include_archived=True),
        has_history=service.has_history(organisation),
        # Engagement history partials (templates/history/_health.html, _timeline.html).
        health=history.organisation_health(current_user, organisation),
        recent=history.timeline(
            current_user, organisation_id=organisation.id, per_page=RECENT_ENGAGEMENTS
        ),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def edit(organisation_id: int) -> Response | str:
    organisation = _organisation_or_404(organisation_id)
    form = OrganisationForm(
        data={
            "name": organisation.name,
            "org_type": organisation.org_type,
            "ods_code": organisation.ods_code or "",
            "website": organisation.website or "",
            "notes": organisation.notes or "",
        }
    )
    if form.validate_on_submit():
        try:
            service.update(organisation, form.data_for_service())
            db.session.commit()
        except service.DuplicateError as error:
            db.session.rollback()
            duplicate_error(form, error)
        except IntegrityError:
            db.session.rollback()
            form.add_error(None, CONCURRENT_CHANGE)
        else:
            flash(f"{organisation.name} has been saved.", "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)


@bp.route("/<int:organisation_id>/archive", methods=["GET", "POST"])
@roles_required(*REGISTER_CURATORS)
def archive(organisation_id: int) -> Response | str:
    organisation = _organisation_or_404(organisation_id)
    show_url = url_for(".show", organisation_id=organisation.id)
    if organisation.is_archived:
        flash(f"{organisation.name} is already archived.", "info")
        return redirect(show_url)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.archive(organisation)
        db.session.commit()
        flash(f"{organisation.name} has been archived. You can restore it at any time.", "success")
        return redirect(show_url)
    return confirm_page(
        form,
        title=f"Archive {organisation.name}?",
        paragraphs=[
            "It will no longer appear in lists or when choosing an organisation, "
            "but its history is kept and you can restore it at any time.",
            "The people in it stay in the register. Archive them separately if they have left.",
        ],
        button="Archive organisation",
        action=url_for(".archive", organisation_id=organisation.id),
        cancel=show_url,
    )


@bp.route("/<int:organisation_id>/restore", methods=["GET", "POST"])
@roles_required(*REGISTER_CURATORS)
def restore(organisation_id: int) -> Response | str:
    organisation = _organisation_or_404(organisation_id)
    show_url = url_for(".show", organisation_id=organisation.id)
    if not organisation.is_archived:
        flash(f"{organisation.name} is not archived.", "info")
        return redirect(show_url)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.restore(organisation)
        db.session.commit()
        flash(f"{organisation.name} has been restored.", "success")
        return redirect(show_url)
    return confirm_page(
        form,
        title=f"Restore {organisation.name}?",
        paragraphs=["It will appear in lists and when choosing an organisation again."],
        button="Restore organisation",
        action=url_for(".restore", organisation_id=organisation.id),
        cancel=show_url,
    )


@bp.route("/<int:organisation_id>/delete", methods=["GET", "POST"])
@roles_required(*REGISTER_CURATORS)
def delete(organisation_id: int) -> Response | str:
    organisation = _organisation_or_404(organisation_id)
    show_url = url_for(".show", organisation_id=organisation.id)
    form = ConfirmForm()
    action = url_for(".delete", organisation_id=organisation.id)
    if service.has_history(organisation):
        if form.validate_on_submit():
            form.add_error(None, f"{organisation.name} cannot be deleted because it has history")
        return confirm_page(
            form,
            title=f"{organisation.name} cannot be deleted",
            paragraphs=[
                "It has people in the register, so deleting it would lose their history.",
                "You can archive it instead: it disappears from lists but its history is kept.",
            ],
            button=None,
            action=action,
            cancel=show_url,
        )
    if form.validate_on_submit():
        name = organisation.name
        service.delete(organisation)
        db.session.commit()
        flash(f"{name} has been deleted.", "success")
        return redirect(url_for(".index"))
    return confirm_page(
        form,
        title=f"Delete {organisation.name}?",
        paragraphs=["It has no people or other history. Deleting it cannot be undone."],
        button="Delete organisation",
        action=action,
        cancel=show_url,
        warning=True,
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def import_upload() -> Response | str:
    return imports.upload("organisations")


@bp.route("/import/<token>", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def import_preview(token: str) -> Response | str:
    return imports.preview("organisations", token)
