"""People: list, search, view, add, edit, PAs and account links, archive, import, export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.domain import registers as rules
from tracker.extensions import db
from tracker.models import (
    CHANNEL_LABELS,
    PROFESSIONAL_GROUP_LABELS,
    Channel,
    Person,
    ProfessionalGroup,
)
from tracker.services import history
from tracker.services import organisations as organisation_service
from tracker.services import people as service
from tracker.web import imports
from tracker.web.forms import NhsForm, domain_rule
from tracker.web.listing import list_url, pagination, sort_headers
from tracker.web.permissions import (
    REGISTER_CURATORS,
    REGISTER_EDITORS,
    can_curate_registers,
    roles_required,
)
from tracker.web.registers import (
    CONCURRENT_CHANGE,
    ConfirmForm,
    confirm_page,
    csv_download,
    duplicate_error,
)

#: How many of the latest engagements the register page shows; the rest are on
#: the full history page (history.person).
RECENT_ENGAGEMENTS = 5

bp = Blueprint("people", __name__, url_prefix="/people")

GROUP_CHOICES = [SelectChoice(m.value, PROFESSIONAL_GROUP_LABELS[m]) for m in ProfessionalGroup]
CHANNEL_CHOICES = [SelectChoice(m.value, CHANNEL_LABELS[m]) for m in Channel]
SCORE_LABELS = {1: "1 – very low", 2: "2 – low", 3: "3 – medium", 4: "4 – high", 5: "5 – very high"}
SCORE_CHOICES = [SelectChoice(str(n), label) for n, label in SCORE_LABELS.items()]


class PersonForm(NhsForm):
    full_name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter the person’s full name"),
            Length(
                max=rules.NAME_MAX, message=f"The name must be {rules.NAME_MAX} characters or fewer"
            ),
        ],
        render_kw={"autocomplete": "off"},
    )
    job_title = StringField(
        "Job title (optional)",
        validators=[
            Length(
                max=rules.JOB_TITLE_MAX,
                message=f"The job title must be {rules.JOB_TITLE_MAX} characters or fewer",
            )
        ],
        render_kw={"autocomplete": "off"},
    )
    organisation_id = SelectField(
        "Organisation",
        validators=[DataRequired("Select the organisation they work for")],
        invalid_choice_message="Select an organisation from the list",
    )
    email = EmailField(
        "Email address (optional)",
        validators=[domain_rule(rules.clean_email)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    phone = TelField(
        "Phone number (optional)",
        validators=[domain_rule(rules.clean_phone)],
        render_kw={"autocomplete": "off"},
    )
    professional_group = SelectField(
        "Professional group",
        choices=GROUP_CHOICES,
        default=ProfessionalGroup.OTHER.value,
        invalid_choice_message="Select a professional group from the list",
    )
    preferred_channel = SelectField(
        "Preferred way to be briefed (optional)",
        choices=[SelectChoice("", "No preference"), *CHANNEL_CHOICES],
        default="",
        invalid_choice_message="Select a briefing channel from the list",
    )
    influence = RadioField(
        "Influence",
        description="How much this person can shape decisions that affect your organisation.",
        choices=SCORE_CHOICES,
        default="3",
        validators=[DataRequired("Select how much influence they have, from 1 to 5")],
        invalid_choice_message="Select how much influence they have, from 1 to 5",
    )
    interest = RadioField(
        "Interest",
        description="How closely they follow the decisions you log.",
        choices=SCORE_CHOICES,
        default="3",
        validators=[DataRequired("Select how interested they are, from 1 to 5")],
        invalid_choice_message="Select how interested they are, from 1 to 5",
    )
    is_main_contact = BooleanField("Main contact for their organisation")
    notes = TextAreaField(
        "Notes (optional)",
        validators=[
            Length(
                max=rules.NOTES_MAX, message=f"Notes must be {rules.NOTES_MAX} characters or fewer"
            )
        ],
    )
    # Only admins and leaders see and change these two (removed from the form for PAs).
    user_id = SelectField(
        "Their No Surprises account (optional)",
        description="Link the person to the account they sign in with, if they use the app.",
        default="",
        invalid_choice_message="Select an account from the list",
    )
    pa_ids = SelectMultipleField(
        "PAs",
        description="Users with the PA role who act for this person and get their reminders.",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message="Select PAs from the list",
    )

    def data_for_service(self) -> service.PersonData:
        channel = self.preferred_channel.data or None
        return service.PersonData(
            full_name=rules.clean_name(self.full_name.data),
            organisation_id=int(self.organisation_id.data or 0),
            job_title=rules.clean_optional_text(
                self.job_title.data, rules.JOB_TITLE_MAX, "job title"
            ),
            email=rules.clean_email(self.email.data),
            phone=rules.clean_phone(self.phone.data),
            professional_group=self.professional_group.data or ProfessionalGroup.OTHER.value,
            preferred_channel=channel,
            influence=int(self.influence.data or 3),
            interest=int(self.interest.data or 3),
            is_main_contact=bool(self.is_main_contact.data),
            notes=rules.clean_notes(self.notes.data),
        )


class PersonFilterForm(Form):
    q = SearchField("Search by name, job title, organisation or email")
    organisation = SelectField("Organisation")
    group = SelectField(
        "Professional group", choices=[SelectChoice("", "All groups"), *GROUP_CHOICES]
    )
    archived = BooleanField("Include archived people")


def _filters() -> service.PersonFilters:
    group = request.args.get("group", "")
    organisation = request.args.get("organisation", "")
    sort = request.args.get("sort", "name")
    return service.PersonFilters(
        q=request.args.get("q", "").strip()[:200],
        organisation_id=int(organisation) if organisation.isdigit() else None,
        professional_group=group if group in {m.value for m in ProfessionalGroup} else None,
        include_archived=request.args.get("archived") == "y",
        sort=sort if sort in service.SORTS else "name",
        descending=request.args.get("order") == "desc",
    )


def _person_or_404(person_id: int) -> Person:
    person = service.get(person_id)
    if person is None:
        abort(404)
    return person


def _initial(person: Person | None, organisation_id: int | None) -> dict[str, object]:
    """Form data for the GET: stored values as the fields expect them (text, never None)."""
    if person is None:
        return {"organisation_id": str(organisation_id or "")}
    return {
        "full_name": person.full_name,
        "job_title": person.job_title or "",
        "organisation_id": str(person.organisation_id),
        "email": person.email or "",
        "phone": person.phone or "",
        "professional_group": person.professional_group,
        "preferred_channel": person.preferred_channel or "",
        "influence": str(person.influence),
        "interest": str(person.interest),
        "is_main_contact": person.is_main_contact,
        "notes": person.notes or "",
        "user_id": str(person.user_id or ""),
        "pa_ids": [user.id for user in person.pas],
    }


def _build_form(person: Person | None, organisation_id: int | None = None) -> PersonForm:
    form = PersonForm(data=_initial(person, organisation_id))
    current_org = person.organisation_id if person is not None else None
    form.organisation_id.choices = [
        SelectChoice("", "Choose an organisation"),
        *(
            SelectChoice(str(o.id), o.name + (" (archived)" if o.is_archived else ""))
            for o in organisation_service.picker(include=current_org)
        ),
    ]
    if not can_curate_registers(current_user):
        del form.user_id
        del form.pa_ids
    else:
        form.user_id.choices = [
            SelectChoice("", "Not linked to an account"),
            *(
                SelectChoice(str(u.id), f"{u.display_name} ({u.email}, {u.role_enum.label})")
                for u in service.linkable_users(person)
            ),
        ]
        current_pas = person.pas if person is not None else []
        form.pa_ids.choices = [
            SelectChoice(str(u.id), f"{u.display_name} ({u.email})")
            for u in service.pa_users(include=current_pas)
        ]
    return form


def _save_links(form: PersonForm, person: Person) -> None:
    if form.user_id is not None:
        user_id = form.user_id.data
        service.set_linked_user(person, int(user_id) if user_id else None)
        service.set_pas(person, form.pa_ids.data or [])


@bp.route("/")
@login_required
def index() -> str:
    filters = _filters()
    page_number = request.args.get("page", "1")
    page = service.search(filters, int(page_number) if page_number.isdigit() else 1)
    filter_form = PersonFilterForm(request.args)
    filter_form.organisation.choices = [
        SelectChoice("", "All organisations"),
        *(
            SelectChoice(str(o.id), o.name + (" (archived)" if o.is_archived else ""))
            for o in organisation_service.picker(include=filters.organisation_id)
        ),
    ]
    headers = sort_headers(
        [
            ("Name", "name"),
            ("Job title", "job_title"),
            ("Organisation", "organisation"),
            ("Professional group", "group"),
        ],
        filters.sort,
        filters.descending,
    )
    return render_template(
        "people/index.html",
        filter_form=filter_form,
        filters=filters,
        page=page,
        headers=headers,
        pagination_params=pagination(page),
        export_url=list_url("people.export", page=None),
    )


@bp.route("/export.csv")
@login_required
def export() -> Response:
    people = service.for_export(_filters())
    return csv_download("people", service.EXPORT_HEADERS, service.export_rows(people))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def new() -> Response | str:
    organisation_id = request.args.get("organisation", "")
    form = _build_form(None, int(organisation_id) if organisation_id.isdigit() else None)
    if form.validate_on_submit():
        try:
            person = service.create(form.data_for_service())
            _save_links(form, person)
            db.session.commit()
        except service.DuplicateError as error:
            db.session.rollback()
            duplicate_error(form, error)
        except service.RegisterError as error:
            db.session.rollback()
            form.add_error(error.field, str(error))
        except IntegrityError:
            db.session.rollback()
            form.add_error(None, CONCURRENT_CHANGE)
        else:
            flash(f"{person.full_name} has been added.", "success")
            return redirect(url_for(".show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@bp.route("/<int:person_id>")
@login_required
def show(person_id: int) -> str:
    person = _person_or_404(person_id)
    return render_template(
        "people/show.html",
        person=person,
        has_history=service.has_history(person),
        score_labels=SCORE_LABELS,
        # Engagement history partials (templates/history/_health.html, _timeline.html).
        health=history.person_health(current_user, person),
        recent=history.timeline(current_user, person_id=person.id, per_page=RECENT_ENGAGEMENTS),
        can_set_cadence=history.can_set_cadence(current_user),
    )


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def edit(person_id: int) -> Response | str:
    person = _person_or_404(person_id)
    form = _build_form(person)
    if form.validate_on_submit():
        try:
            service.update(person, form.data_for_service())
            _save_links(form, person)
            db.session.commit()
        except service.DuplicateError as error:
            db.session.rollback()
            duplicate_error(form, error)
        except service.RegisterError as error:
            db.session.rollback()
            form.add_error(error.field, str(error))
        except IntegrityError:
            db.session.rollback()
            form.add_error(None, CONCURRENT_CHANGE)
        else:
            flash(f"{person.full_name} has been saved.", "success")
            return redirect(url_for(".show", person_id=person.id))
    return render_template("people/form.html", form=form, person=person)


@bp.route("/<int:person_id>/archive", methods=["GET", "POST"])
@roles_required(*REGISTER_CURATORS)
def archive(person_id: int) -> Response | str:
    person = _person_or_404(person_id)
    show_url = url_for(".show", person_id=person.id)
    if person.is_archived:
        flash(f"{person.full_name} is already archived.", "info")
        return redirect(show_url)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.archive(person)
        db.session.commit()
        flash(f"{person.full_name} has been archived. You can restore them at any time.", "success")
        return redirect(show_url)
    return confirm_page(
        form,
        title=f"Archive {person.full_name}?",
        paragraphs=[
            "They will no longer appear in lists or when choosing people, "
            "but their history is kept and you can restore them at any time.",
        ],
        button="Archive person",
        action=url_for(".archive", person_id=person.id),
        cancel=show_url,
    )


@bp.route("/<int:person_id>/restore", methods=["GET", "POST"])
@roles_required(*REGISTER_CURATORS)
def restore(person_id: int) -> Response | str:
    person = _person_or_404(person_id)
    show_url = url_for(".show", person_id=person.id)
    if not person.is_archived:
        flash(f"{person.full_name} is not archived.", "info")
        return redirect(show_url)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.restore(person)
        db.session.commit()
        flash(f"{person.full_name} has been restored.", "success")
        return redirect(show_url)
    return confirm_page(
        form,
        title=f"Restore {person.full_name}?",
        paragraphs=["They will appear in lists and when choosing people again."],
        button="Restore person",
        action=url_for(".restore", person_id=person.id),
        cancel=show_url,
    )


@bp.route("/<int:person_id>/delete", methods=["GET", "POST"])
@roles_required(*REGISTER_CURATORS)
def delete(person_id: int) -> Response | str:
    person = _person_or_404(person_id)
    show_url = url_for(".show", person_id=person.id)
    form = ConfirmForm()
    action = url_for(".delete", person_id=person.id)
    if service.has_history(person):
        if form.validate_on_submit():
            form.add_error(None, f"{person.full_name} cannot be deleted because they have history")
        return confirm_page(
            form,
            title=f"{person.full_name} cannot be deleted",
            paragraphs=[
                "They are linked to a user account or have PAs, so deleting them would "
                "lose history.",
                "You can archive them instead: they disappear from lists but their history "
                "is kept.",
            ],
            button=None,
            action=action,
            cancel=show_url,
        )
    if form.validate_on_submit():
        name = person.full_name
        service.delete(person)
        db.session.commit()
        flash(f"{name} has been deleted.", "success")
        return redirect(url_for(".index"))
    return confirm_page(
        form,
        title=f"Delete {person.full_name}?",
        paragraphs=["They have no history in the register. Deleting them cannot be undone."],
        button="Delete person",
        action=action,
        cancel=show_url,
        warning=True,
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def import_upload() -> Response | str:
    return imports.upload("people")


@bp.route("/import/<token>", methods=["GET", "POST"])
@roles_required(*REGISTER_EDITORS)
def import_preview(token: str) -> Response | str:
    return imports.preview("people", token)
