"""Organisations: list, search, view, add, edit, archive, restore, delete, import, export."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
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
from tracker.domain.vocabulary import ORGANISATION_TYPE_LABELS, OrganisationType
from tracker.services import history
from tracker.services import organisations as service
from tracker.web.forms import domain_rule
from tracker.web.registers import (
    Register,
    RegisterForm,
    RegisterViews,
    Wording,
)

if TYPE_CHECKING:
    from tracker.models import Organisation

#: How many of the latest engagements the register page shows; the rest are on
#: the full history page (history.organisation).
RECENT_ENGAGEMENTS = 5

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

TYPE_CHOICES = [
    SelectChoice(member.value, ORGANISATION_TYPE_LABELS[member]) for member in OrganisationType
]


class OrganisationForm(RegisterForm):
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


def _build_form(organisation: Organisation | None) -> OrganisationForm:
    if organisation is None:
        return OrganisationForm()
    stored = asdict(service.OrganisationData.of(organisation))
    return OrganisationForm(data={key: value or "" for key, value in stored.items()})


REGISTER = Register(
    area="organisations",
    id_arg="organisation_id",
    record_arg="organisation",
    service=service,
    wording=Wording(
        noun="organisation",
        them="it",
        they_have="it has",
        archive=(
            "It will no longer appear in lists or when choosing an organisation, "
            "but its history is kept and you can restore it at any time.",
            "The people in it stay in the register. Archive them separately if they have left.",
        ),
        restore=("It will appear in lists and when choosing an organisation again.",),
        undeletable=(
            "It has people in the register, so deleting it would lose their history.",
            "You can archive it instead: it disappears from lists but its history is kept.",
        ),
        delete=("It has no people or other history. Deleting it cannot be undone.",),
    ),
    name_of=lambda organisation: organisation.name,
    filters=_filters,
    filter_form=lambda _filters: OrganisationFilterForm(request.args),
    columns=[("Name", "name"), ("Type", "type"), ("ODS code", "ods"), ("People", "people")],
    build_form=_build_form,
)
RegisterViews(REGISTER).add_to(bp)


@bp.route("/<int:organisation_id>")
@login_required
def show(organisation_id: int) -> str:
    organisation = service.require(organisation_id)
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
