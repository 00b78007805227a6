"""A small WTForms → NHS.UK design system bridge.

Views build ordinary WTForms forms; templates call `nhs_field(form.x)` and
`nhs_error_summary(form)`. The bridge turns each field (its label, description,
data and errors) into the parameters of the matching nhsuk-frontend-jinja macro,
in the spirit of govuk-frontend-wtf.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g
from markupsafe import Markup, escape
from wtforms import Field, Form
from wtforms.fields import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    FileField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.web.fields import DATE_PARTS, NhsDateField

_MACROS = {
    "input": ("nhsuk/components/input/macro.jinja", "input"),
    "password": ("nhsuk/components/password-input/macro.jinja", "passwordInput"),
    "textarea": ("nhsuk/components/textarea/macro.jinja", "textarea"),
    "select": ("nhsuk/components/select/macro.jinja", "select"),
    "radios": ("nhsuk/components/radios/macro.jinja", "radios"),
    "checkboxes": ("nhsuk/components/checkboxes/macro.jinja", "checkboxes"),
    "summary": ("nhsuk/components/error-summary/macro.jinja", "errorSummary"),
    "button": ("nhsuk/components/button/macro.jinja", "button"),
    "date": ("nhsuk/components/date-input/macro.jinja", "dateInput"),
}


def _macro(name: str) -> Any:
    template_name, macro_name = _MACROS[name]
    return getattr(current_app.jinja_env.get_template(template_name).module, macro_name)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class LinkedError(str):
    """An error message that points to another record, like the one a duplicate clashes with.

    It is still a plain string (for tests, logs and the CSRF path); the bridge adds the
    link. The message and link text are escaped, so names typed by users stay inert.
    """

    href: str
    link_text: str

    def __new__(cls, message: str, href: str, link_text: str) -> LinkedError:
        instance = super().__new__(cls, message)
        instance.href = href
        instance.link_text = link_text
        return instance

    def link_html(self) -> Markup:
        return Markup('<a href="{}">{}</a>').format(self.href, self.link_text)


def field_error(field: Field) -> str | None:
    return field.errors[0] if field.errors else None


def _error_message(error: str) -> dict[str, Any]:
    if isinstance(error, LinkedError):
        return {"html": escape(str(error)) + Markup(". ") + error.link_html()}
    return {"text": error}


def _common(field: Field, label_as_legend: bool = False) -> dict[str, Any]:
    params: dict[str, Any] = {"name": field.name}
    if not label_as_legend and not isinstance(field, BooleanField):
        # Radios and checkboxes give their first item the field id; an id on the wrapper
        # as well would duplicate it and send error summary links to the wrong element.
        params["id"] = field.id
    label = {"text": field.label.text}
    if label_as_legend:
        params["fieldset"] = {"legend": {"text": field.label.text, "size": "s"}}
    else:
        params["label"] = label
    if field.description:
        params["hint"] = {"text": str(field.description)}
    error = field_error(field)
    if error:
        params["errorMessage"] = _error_message(error)
    attributes: dict[str, Any] = {}
    for key, value in (field.render_kw or {}).items():
        attributes[key] = value
    if field.flags.required and not isinstance(field, BooleanField):
        attributes.setdefault("aria-required", "true")
    if attributes:
        params["attributes"] = attributes
    return params


def _as_group(params: dict[str, Any]) -> dict[str, Any]:
    """Radios and checkboxes: the wrapper takes no id (the first item has the field's id, so
    a second one would duplicate it and steal its label) and no aria-required (not allowed
    on a plain div; the items are the controls)."""
    params.pop("id", None)
    attributes = params.get("attributes")
    if attributes is not None:
        attributes.pop("aria-required", None)
        if not attributes:
            params.pop("attributes")
    return params


def _input_type(field: Field) -> str:
    if isinstance(field, EmailField):
        return "email"
    if isinstance(field, TelField):
        return "tel"
    if isinstance(field, URLField):
        return "url"
    if isinstance(field, DateTimeLocalField):
        return "datetime-local"
    if isinstance(field, DateField):
        return "date"
    return "text"


def _raw_value(field: Field) -> str:
    """What the user typed if the form was posted, else the stored value, as text."""
    if field.raw_data:
        return str(field.raw_data[0])
    value = field._value() if hasattr(field, "_value") else field.data
    return "" if value is None else str(value)


def _choices(field: SelectField | RadioField | SelectMultipleField) -> list[tuple[str, str]]:
    return [(str(choice.value), str(choice.label)) for choice in field.iter_choices()]


def _selected(field: Field) -> set[str]:
    if field.raw_data is not None and len(field.raw_data):
        return {str(v) for v in field.raw_data}
    data = field.data
    if data is None:
        return set()
    if isinstance(data, list | tuple | set):
        return {str(v) for v in data}
    return {str(data)}


Params = dict[str, Any]


def nhs_field(field: Field, **overrides: Any) -> Markup:
    """Render one WTForms field as the matching NHS.UK component."""
    if isinstance(field, HiddenField) or field.type in {"CSRFTokenField", "SubmitField"}:
        return field()
    for matches, build in _COMPONENTS:
        if matches(field):
            macro, params = build(field, overrides)
            break
    else:
        macro, params = _text_input(field, overrides)
    return _macro(macro)(_merge(params, overrides))


def _without_attribute(params: Params, name: str) -> Any:
    """Take one attribute out of the params (dropping the attributes if none are left)."""
    attributes = params.get("attributes", {})
    value = attributes.pop(name, None)
    if not attributes:
        params.pop("attributes", None)
    return value


def _date_input(field: NhsDateField, _overrides: Params) -> tuple[str, Params]:
    params = _common(field, label_as_legend=True)
    # The boxes' ids are "<id>-day", "<id>-month" and "<id>-year" (the error summary
    # links to the day); without an id they were "-day" on every date input.
    params["id"] = field.id
    # aria-required is not allowed on the wrapping div (only on form controls).
    _without_attribute(params, "aria-required")
    params["namePrefix"] = field.name
    error = field_error(field)
    params["items"] = [
        {
            "name": part,
            "value": field.parts[part],
            "width": 4 if part == "year" else 2,
            "error": bool(error),
        }
        for part in DATE_PARTS
    ]
    return "date", params


def _password_input(field: Field, overrides: Params) -> tuple[str, Params]:
    params = _common(field)
    params["autocomplete"] = overrides.pop("autocomplete", "current-password")
    return "password", params


def _textarea(field: Field, _overrides: Params) -> tuple[str, Params]:
    params = _common(field)
    params["value"] = _raw_value(field)
    # rows given as a render_kw is the macro's own parameter, not a second attribute.
    rows = _without_attribute(params, "rows")
    params["rows"] = 5 if rows is None else rows
    return "textarea", params


def _single_checkbox(field: Field, _overrides: Params) -> tuple[str, Params]:
    params = _as_group(_common(field, label_as_legend=False))
    params.pop("label", None)
    params["idPrefix"] = field.id
    params["items"] = [
        {
            "value": "y",
            "text": field.label.text,
            "checked": bool(field.data),
            "id": field.id,
            "hint": params.pop("hint", None),
        }
    ]
    return "checkboxes", params


def _is_checkbox_list(field: Field) -> bool:
    return isinstance(field, SelectMultipleField) and isinstance(
        field.widget, ListWidget | CheckboxInput
    )


def _choice_group(field: Field, macro: str) -> tuple[str, Params]:
    """Radios, or a list of checkboxes: one item per choice, the chosen ones checked."""
    params = _as_group(_common(field, label_as_legend=True))
    params["idPrefix"] = field.id
    selected = _selected(field)
    params["items"] = [
        {"value": value, "text": label, "checked": value in selected}
        for value, label in _choices(field)
    ]
    return macro, params


def _select_menu(field: Field, _overrides: Params) -> tuple[str, Params]:
    params = _common(field)
    selected = _selected(field)
    params["items"] = [
        {"value": value, "text": label, "selected": value in selected}
        for value, label in _choices(field)
    ]
    if isinstance(field, SelectMultipleField):
        params.setdefault("attributes", {})["multiple"] = True
    return "select", params


def _file_input(field: Field, _overrides: Params) -> tuple[str, Params]:
    # The browser's own file input, labelled like any other. nhsuk-frontend's scripted
    # file upload hides it behind a button whose accessible name does not contain its
    # visible text (axe label-content-name-mismatch) and leaves the input unlabelled.
    params = _common(field)
    params["type"] = "file"
    params["classes"] = " ".join(filter(None, ["app-file-input", params.get("classes")]))
    if isinstance(field, MultipleFileField):
        params.setdefault("attributes", {})["multiple"] = True
    return "input", params


def _text_input(field: Field, _overrides: Params) -> tuple[str, Params]:
    params = _common(field)
    params["type"] = _input_type(field)
    params["value"] = _raw_value(field)
    if isinstance(field, IntegerField | DecimalField):
        params["inputmode"] = "numeric"
        params.setdefault("width", 4)
    return "input", params


# Which component renders a field: the first that matches (order matters: a RadioField is
# a SelectField, a list of checkboxes a SelectMultipleField); anything else is a text input.
_COMPONENTS: tuple[
    tuple[Callable[[Field], bool], Callable[[Any, Params], tuple[str, Params]]], ...
] = (
    (lambda field: isinstance(field, NhsDateField), _date_input),
    (lambda field: isinstance(field, PasswordField), _password_input),
    (lambda field: isinstance(field, TextAreaField), _textarea),
    (lambda field: isinstance(field, BooleanField), _single_checkbox),
    (_is_checkbox_list, lambda field, _overrides: _choice_group(field, "checkboxes")),
    (lambda field: isinstance(field, RadioField), lambda field, _o: _choice_group(field, "radios")),
    (lambda field: isinstance(field, SelectField | SelectMultipleField), _select_menu),
    (lambda field: isinstance(field, FileField | MultipleFileField), _file_input),
)


def _summary_item(message: str, href: str | None) -> dict[str, Any]:
    if isinstance(message, LinkedError):
        # Links cannot nest, so the field link and the record link sit side by side.
        text = escape(str(message))
        first = Markup('<a href="{}">{}</a>').format(href, text) if href else text
        return {"html": first + Markup(". ") + message.link_html()}
    item: dict[str, Any] = {"text": str(message)}
    if href:
        item["href"] = href
    return item


def error_list(form: Form) -> list[dict[str, Any]]:
    """Every error of the form, in field order, each linking to its field."""
    items: list[dict[str, Any]] = []
    for message in getattr(form, "form_errors", []) or []:
        items.append(_summary_item(message, None))
    for field in form:
        if not field.errors:
            continue
        if field.type == "CSRFTokenField":
            continue  # reported as a form error by NhsForm
        # NHS radios and checkboxes give their first item the field id, so one href fits all.
        anchor = getattr(field, "error_anchor", field.id)
        items.append(_summary_item(field.errors[0], f"#{anchor}"))
    return items


def nhs_error_summary(*forms: Form | None) -> Markup:
    items: list[dict[str, Any]] = []
    for form in forms:
        if form is not None:
            items.extend(error_list(form))
    if not items:
        return Markup("")
    return _macro("summary")({"heading": "There is a problem", "errorList": items})


def nhs_button(text: str, **overrides: Any) -> Markup:
    return _macro("button")(_merge({"text": text}, overrides))


def page_has_errors() -> bool:
    return bool(g.get("form_errors_shown"))


def init_app(app: Any) -> None:
    app.jinja_env.globals.update(
        nhs_field=nhs_field,
        nhs_error_summary=nhs_error_summary,
        nhs_button=nhs_button,
        page_has_errors=page_has_errors,
    )
