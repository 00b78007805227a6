"""People: list, search, view, add, edit, PAs and account links, archive, import, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
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
from tracker.domain.vocabulary import (
    CHANNEL_LABELS,
    PROFESSIONAL_GROUP_LABELS,
    Channel,
    ProfessionalGroup,
)
from tracker.services import history
from tracker.services import organisations as organisation_service
from tracker.services import people as service
from tracker.services import registers as register_rules
from tracker.services.actor import Actor
from tracker.web.actor import current_actor
from tracker.web.forms import domain_rule
from tracker.web.registers import (
    Register,
    RegisterForm,
    RegisterViews,
    Wording,
)

if TYPE_CHECKING:
    from tracker.models import Person

#: How many of the latest engagements the register page shows; the rest are on
#: the full history page (history.person).
RECENT_ENGAGEMENTS = 5

bp = Blueprint("people", __name__, url_prefix="/people")

GROUP_CHOICES = [SelectChoice(m.value, PROFESSIONAL_GROUP_LABELS[m]) for m in ProfessionalGroup]
CHANNEL_CHOICES = [SelectChoice(m.value, CHANNEL_LABELS[m]) for m in Channel]
SCORE_LABELS = {1: "1 – very low", 2: "2 – low", 3: "3 – medium", 4: "4 – high", 5: "5 – very high"}
SCORE_CHOICES = [SelectChoice(str(n), label) for n, label in SCORE_LABELS.items()]


class PersonForm(RegisterForm):
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


def _filter_form(filters: service.PersonFilters) -> PersonFilterForm:
    form = PersonFilterForm(request.args)
    form.organisation.choices = [
        SelectChoice("", "All organisations"),
        *(
            SelectChoice(str(o.id), o.name + (" (archived)" if o.is_archived else ""))
            for o in organisation_service.picker(include=filters.organisation_id)
        ),
    ]
    return form


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


def _build_form(person: Person | None) -> PersonForm:
    organisation_id = request.args.get("organisation", "") if person is None else ""
    form = PersonForm(
        data=_initial(person, int(organisation_id) if organisation_id.isdigit() else None)
    )
    current_org = person.organisation_id if person is not None else None
    form.organisation_id.choices = [
        SelectChoice("", "Choose an organisation"),
        *(
            SelectChoice(str(o.id), o.name + (" (archived)" if o.is_archived else ""))
            for o in organisation_service.picker(include=current_org)
        ),
    ]
    if not register_rules.may_curate(current_actor()):
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


def _save_links(actor: Actor, form: PersonForm, person: Person) -> None:
    """The account link and the PAs, for those whose form has them (admins and leaders)."""
    if form.user_id is not None:
        user_id = form.user_id.data
        service.set_linked_user(actor, person, int(user_id) if user_id else None)
        service.set_pas(actor, person, form.pa_ids.data or [])


REGISTER = Register(
    area="people",
    id_arg="person_id",
    record_arg="person",
    service=service,
    wording=Wording(
        noun="person",
        them="them",
        they_have="they have",
        archive=(
            "They will no longer appear in lists or when choosing people, "
            "but their history is kept and you can restore them at any time.",
        ),
        restore=("They will appear in lists and when choosing people again.",),
        undeletable=(
            "They are linked to a user account or have PAs, so deleting them would lose history.",
            "You can archive them instead: they disappear from lists but their history is kept.",
        ),
        delete=("They have no history in the register. Deleting them cannot be undone.",),
    ),
    name_of=lambda person: person.full_name,
    filters=_filters,
    filter_form=_filter_form,
    columns=[
        ("Name", "name"),
        ("Job title", "job_title"),
        ("Organisation", "organisation"),
        ("Professional group", "group"),
    ],
    build_form=_build_form,
    save_more=_save_links,
)
RegisterViews(REGISTER).add_to(bp)


@bp.route("/<int:person_id>")
@login_required
def show(person_id: int) -> str:
    person = service.require(person_id)
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
