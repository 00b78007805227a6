"""The authorisation matrix: every route of the app, who may use it, and what they get.

`tests/security/test_authorisation_matrix.py` enumerates `app.url_map` and fails when an
endpoint has no entry here, so every new route must be registered — one `RouteCase` each:

    RouteCase(
        "decisions.edit",
        url=lambda w: f"/decisions/{w.decision_id}/edit",
        get=signed_in(LEADERS),                 # {role: expected status} for all six roles
        post=signed_in(LEADERS, ok=302),
        form=lambda w: {"title": "Budget", ...},  # a valid POST body (CSRF token added)
        restricted_url=lambda w, obj: f"/decisions/{obj.id}/edit",  # for restricted objects
    ),

Statuses are `{role: Expect}` for the roles in `ROLES`; `Expect` is a status code, or a
`(status, location_prefix)` pair for redirects. The same table drives the CSRF,
security-header, upload-limit and bad-input tests, and the browser journeys' coverage
check (every HTML page with `journey=True` must be visited by a journey).

Restricted objects (restricted or embargoed decisions, and anything derived from them) are
registered in `RESTRICTED_FACTORIES`: each factory stores one object whose title carries a
unique marker and says which roles may see it. The matrix then asserts, for every route and
role, that the marker never appears in a response for a role that may not see it, and that
a route's `restricted_url` answers 404 to those roles. A `restricted_url` is called for
every restricted object and returns None for objects of a kind it does not show (a decision
page has no URL for a briefing).

API routes (under /api/v1) are `auth="bearer"`: called with each role's API token
(`World.api_tokens`; anonymous sends none and gets 401), with the route's `json` body for
`post` and `patch`. Cookies never authenticate them (tests/security/test_csrf.py).

CSV exports are registered in `EXPORTS` (see `ExportCase`); the formula-injection test
runs on each, and a route whose endpoint ends in "export" or whose kind is "csv" must be
listed there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Flask

from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import (
    Decision,
    DecisionKind,
    Organisation,
    Person,
    Role,
    Sensitivity,
    User,
    utcnow,
)
from tracker.services import briefings as briefing_service
from tracker.services import decisions as decision_service
from tracker.services.briefings import BriefingInput
from tracker.services.calendar import today_london
from tracker.services.decisions import DecisionInput, PartnerInput

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = (ANONYMOUS, *(role.value for role in Role))
SIGNED_IN_ROLES = frozenset(role.value for role in Role)
ADMIN_ONLY = frozenset({Role.ADMIN.value})

Expect = int | tuple[int, str]
SIGN_IN_REDIRECT: Expect = (302, "/sign-in?next=")


@dataclass
class World:
    """The objects URL builders can point at: fresh for every test.

    Built by `tests.security.helpers.build_world`; the defaults are placeholders that only
    let `test_every_route_is_in_the_matrix` build URLs without a database.
    """

    app: Flask
    users: dict[str, Any]  # role → tests.conftest.UserInfo, one per signed-in role
    target_user_id: int  # a user record to view, edit, disable…
    organisation_id: int = 1  # a partner organisation, with people (so it has history)
    organisation_name: str = "Matrix Partner Council"
    person_id: int = 1  # a partner in it, affected by `decision_id` and briefed
    colleague_id: int = 1  # another person in it, affected by nothing yet
    leader_person_id: int = 1  # the leader user's Person; the PA user assists them
    spare_organisation_id: int = 1  # no people, no history: can be deleted
    spare_person_id: int = 1  # no history: can be deleted
    archived_organisation_id: int = 1
    archived_person_id: int = 1
    decision_id: int = 1  # internal, owned by the leader's Person, one requirement
    requirement_id: int = 1  # `person_id` on `decision_id`, pending
    briefing_id: int = 1  # a general contact with `person_id`, logged by the leader
    closure_id: int = 1  # an admin closure day
    # Uploads waiting for confirmation, by kind ("organisations", "people"): the leader's.
    import_tokens: dict[str, str] = field(default_factory=dict)
    reminder_id: int = 1  # a failed reminder email to the admin about `requirement_id`
    revocable_token_id: int = 1  # an API token of the leader's, not used by the matrix
    # API token secrets by role (not for anonymous), and calendar-feed tokens by role.
    api_tokens: dict[str, str] = field(default_factory=dict)
    calendar_tokens: dict[str, str] = field(default_factory=lambda: {"viewer": "placeholder"})
    restricted: list[RestrictedObject] = field(default_factory=list)


@dataclass(frozen=True)
class RestrictedObject:
    """An object only some roles may see. `marker` is unique text in its title.

    `kind` says what it is ("decision" or "briefing"); `related` holds the ids of what
    belongs to it (a decision's "requirement_id").
    """

    id: int
    marker: str
    visible_to: frozenset[str]
    kind: str = "decision"
    related: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RouteCase:
    endpoint: str
    url: Callable[[World], str]
    get: dict[str, Expect] | None
    post: dict[str, Expect] | None = None
    # html, json, csv or ics: what a successful GET returns (checked, with its headers).
    kind: str = "html"
    # A valid POST body (without the CSRF token): with it, an allowed role succeeds.
    form: Callable[[World], dict[str, str]] | None = None
    # Where this route shows one restricted object, for routes that take an object id
    # (None for restricted objects of another kind).
    restricted_url: Callable[[World, RestrictedObject], str | None] | None = None
    # HTML pages must be visited (and gated) by a browser journey.
    journey: bool = True
    # "session" (cookie sign-in, CSRF-protected forms) or "bearer" (the JSON API: an
    # `Authorization: Bearer` token of the role's user; cookies never authenticate).
    auth: str = "session"
    # For bearer routes: PATCH statuses, and the valid JSON body of a POST or PATCH.
    patch: dict[str, Expect] | None = None
    json: Callable[[World], dict[str, Any]] | None = None
    # The page holding the form of a POST-only route (its form is parsed from there).
    form_page: Callable[[World], str] | None = None
    # A successful POST answers 200 with a result page (a new token shown once), so a 200
    # is not a refusal.
    post_stores_on_200: bool = False


def everyone(status: Expect = 200, **per_role: Expect) -> dict[str, Expect]:
    """Every role, signed in or not, gets `status` unless given its own."""
    return {role: per_role.get(role, status) for role in ROLES}


def signed_in(
    roles: frozenset[str] = SIGNED_IN_ROLES, ok: Expect = 200, **per_role: Expect
) -> dict[str, Expect]:
    """`roles` get `ok`; other signed-in roles 403; anonymous users are sent to sign in."""
    expected: dict[str, Expect] = {ANONYMOUS: SIGN_IN_REDIRECT}
    for role in SIGNED_IN_ROLES:
        expected[role] = ok if role in roles else 403
    expected.update(per_role)
    return expected


def _signed_in_redirect(anonymous: Expect) -> dict[str, Expect]:
    return {ANONYMOUS: anonymous, **dict.fromkeys(SIGNED_IN_ROLES, (302, "/"))}


def _new_user_form(world: World) -> dict[str, str]:
    return {
        "display_name": "Matrix New User",
        "email": "matrix-new@example.org",
        "role": "viewer",
        "new_password": "matrix-password-1",
        "confirm_password": "matrix-password-1",
    }


def _edit_user_form(world: World) -> dict[str, str]:
    return {
        "display_name": "Matrix Renamed",
        "email": "matrix-renamed@example.org",
        "role": "manager",
        "is_active": "y",
    }


def _password_form(world: World) -> dict[str, str]:
    return {"new_password": "matrix-password-2", "confirm_password": "matrix-password-2"}


def _sign_in_form(world: World) -> dict[str, str]:
    leader = world.users[Role.LEADER.value]
    return {"email": leader.email, "password": leader.password}


def _change_password_form(world: World) -> dict[str, str]:
    # Every role user shares the default test password (tests.conftest.DEFAULT_PASSWORD).
    any_user = next(iter(world.users.values()))
    return {
        "current_password": any_user.password,
        "new_password": "matrix-password-3",
        "confirm_password": "matrix-password-3",
    }


ROUTES: list[RouteCase] = [
    RouteCase("main.home", url=lambda w: "/", get=signed_in()),
    RouteCase("main.accessibility", url=lambda w: "/accessibility", get=everyone()),
    RouteCase("main.healthz", url=lambda w: "/healthz", get=everyone(), kind="json"),
    RouteCase(
        "auth.sign_in",
        url=lambda w: "/sign-in",
        get=_signed_in_redirect(anonymous=200),
        post=_signed_in_redirect(anonymous=(302, "/")),
        form=_sign_in_form,
    ),
    RouteCase(
        "auth.sign_out",
        url=lambda w: "/sign-out",
        get=signed_in(anonymous=(302, "/sign-in")),
        post=signed_in(ok=(302, "/sign-in"), anonymous=(302, "/sign-in")),
        form=lambda w: {},
    ),
    RouteCase(
        "auth.change_password",
        url=lambda w: "/account/password",
        get=signed_in(),
        post=signed_in(ok=(302, "/")),
        form=_change_password_form,
    ),
    RouteCase("admin_users.index", url=lambda w: "/admin/users/", get=signed_in(ADMIN_ONLY)),
    RouteCase(
        "admin_users.new",
        url=lambda w: "/admin/users/new",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/users/")),
        form=_new_user_form,
    ),
    RouteCase(
        "admin_users.edit",
        url=lambda w: f"/admin/users/{w.target_user_id}/edit",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/users/")),
        form=_edit_user_form,
    ),
    RouteCase(
        "admin_users.reset_password",
        url=lambda w: f"/admin/users/{w.target_user_id}/password",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/users/")),
        form=_password_form,
    ),
    RouteCase(
        "admin_users.disable",
        url=lambda w: f"/admin/users/{w.target_user_id}/disable",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/users/")),
        form=lambda w: {},
    ),
    RouteCase(
        "admin_users.enable",
        url=lambda w: f"/admin/users/{w.target_user_id}/enable",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/users/")),
        form=lambda w: {},
    ),
]


# --- registers, decisions and briefings ------------------------------------------------

ADMIN, LEADER, PA, MANAGER, VIEWER = (role.value for role in Role)
# Admins and leaders curate the registers; PAs add and edit for their leaders.
REGISTER_EDITORS = frozenset({ADMIN, LEADER, PA})
REGISTER_CURATORS = frozenset({ADMIN, LEADER})
# The world's decisions are owned by the leader's Person, whom the PA assists: admins,
# the leader and the PA edit them; managers read them and waive requirements.
DECISION_EDITORS = frozenset({ADMIN, LEADER, PA})
WAIVERS = frozenset({ADMIN, MANAGER})


def _date_fields(name: str, day: date) -> dict[str, str]:
    """An NHS date input (three boxes) as the browser posts it."""
    return {
        f"{name}[day]": str(day.day),
        f"{name}[month]": str(day.month),
        f"{name}[year]": str(day.year),
    }


def future_working_day(days_ahead: int) -> date:
    """A working day in England (no bank holiday, no weekend) about `days_ahead` from now."""
    calendar = WorkingCalendar.england()
    day = today_london() + timedelta(days=days_ahead)
    while calendar.non_working_reason(day):
        day += timedelta(days=1)
    return day


def _organisation_form(world: World) -> dict[str, str]:
    return {
        "name": "Matrix Added Trust",
        "org_type": "trust_acute",
        "ods_code": "RMX",
        "website": "www.matrix.nhs.uk",
        "notes": "Added by the matrix",
    }


def _person_form(world: World) -> dict[str, str]:
    return {
        "full_name": "Matrix Added Person",
        "job_title": "Director of strategy",
        "organisation_id": str(world.organisation_id),
        "email": "matrix.added@example.org",
        "phone": "0113 496 0000",
        "professional_group": "executive",
        "preferred_channel": "email",
        "influence": "4",
        "interest": "2",
        "notes": "Added by the matrix",
    }


def _decision_form(world: World) -> dict[str, str]:
    return {
        "title": "Matrix decision about community beds",
        "kind": DecisionKind.DECISION.value,
        "description": "Logged by the matrix",
        "owner_person_id": str(world.leader_person_id),
        **_date_fields("event_date", today_london() + timedelta(days=40)),
        "event_time": "14:30",
        "location": "Board room",
        "sensitivity": "internal",
        "status": "planned",
        "lead_time": "5",
    }


def _partners_form(world: World) -> dict[str, str]:
    return {"person_ids": str(world.colleague_id), "reason": "They run the service"}


def _requirement_form(world: World) -> dict[str, str]:
    return {"reason": "They commission the service", "lead_time_override": "3"}


def _waive_form(world: World) -> dict[str, str]:
    return {"status": "waived", "reason": "Told at the partnership board instead"}


def _surprise_form(world: World) -> dict[str, str]:
    return {
        "person_id": str(world.person_id),
        **_date_fields("reported_date", today_london()),
        "what_they_said": "We read about it in the paper first",
    }


def _briefing_details(day: date) -> dict[str, str]:
    return {
        **_date_fields("occurred_date", day),
        "occurred_time": "10:00",
        "channel": "meeting",
        "summary": "Went through the plan",
        "note_reference": "Briefing note v2",
        "acknowledged": "y",
    }


def _new_briefing_form(world: World) -> dict[str, Any]:
    return {
        **_briefing_details(today_london() - timedelta(days=1)),
        "person_ids": str(world.person_id),
        "decision_ids": str(world.decision_id),
        "briefed_by_person_id": str(world.leader_person_id),
    }


def _edit_briefing_form(world: World) -> dict[str, str]:
    return {**_briefing_details(today_london() - timedelta(days=2)), "channel": "call"}


def _lead_times_form(world: World) -> dict[str, str]:
    return {kind.value: "7" for kind in DecisionKind}


def _closure_day_form(world: World) -> dict[str, str]:
    return {**_date_fields("day", future_working_day(120)), "reason": "Matrix closure"}


def import_csv(world: World, kind: str, name: str) -> bytes:
    """A one-row CSV file of organisations or people (in the world's partner organisation)."""
    if kind == "organisations":
        return f"Name,Type\r\n{name},Integrated care board\r\n".encode()
    return f"Full name,Organisation\r\n{name},{world.organisation_name}\r\n".encode()


def _upload_form(kind: str) -> Callable[[World], dict[str, Any]]:
    def form(world: World) -> dict[str, Any]:
        from tests.security.helpers import upload_file

        content = import_csv(world, kind, f"Matrix Imported {kind.title()}")
        # A path in a tuple, so every request opens the file afresh (a stream would be
        # empty the second time the same form is posted).
        return {"file": (str(upload_file(kind, content)), f"{kind}.csv")}

    return form


def _only(
    kind: str, url: Callable[[RestrictedObject], str]
) -> Callable[[World, RestrictedObject], str | None]:
    """A `restricted_url` for restricted objects of one kind."""
    return lambda world, obj: url(obj) if obj.kind == kind else None


def _register_routes(area: str, id_name: str) -> list[RouteCase]:
    """The same routes and rules for organisations and people."""
    index = f"/{area}/"
    main = lambda w: getattr(w, f"{id_name}_id")  # noqa: E731
    spare = lambda w: getattr(w, f"spare_{id_name}_id")  # noqa: E731
    archived = lambda w: getattr(w, f"archived_{id_name}_id")  # noqa: E731
    form = _organisation_form if area == "organisations" else _person_form
    return [
        RouteCase(f"{area}.index", url=lambda w: f"{index}?q=Matrix", get=signed_in()),
        RouteCase(
            f"{area}.export", url=lambda w: f"/{area}/export.csv", get=signed_in(), kind="csv"
        ),
        RouteCase(
            f"{area}.new",
            url=lambda w: f"/{area}/new",
            get=signed_in(REGISTER_EDITORS),
            post=signed_in(REGISTER_EDITORS, ok=(302, index)),
            form=form,
        ),
        RouteCase(f"{area}.show", url=lambda w: f"/{area}/{main(w)}", get=signed_in()),
        RouteCase(
            f"{area}.edit",
            url=lambda w: f"/{area}/{main(w)}/edit",
            get=signed_in(REGISTER_EDITORS),
            post=signed_in(REGISTER_EDITORS, ok=(302, f"/{area}/")),
            form=form,
        ),
        RouteCase(
            f"{area}.archive",
            url=lambda w: f"/{area}/{main(w)}/archive",
            get=signed_in(REGISTER_CURATORS),
            post=signed_in(REGISTER_CURATORS, ok=(302, f"/{area}/")),
            form=lambda w: {},
        ),
        RouteCase(
            f"{area}.restore",
            url=lambda w: f"/{area}/{archived(w)}/restore",
            get=signed_in(REGISTER_CURATORS),
            post=signed_in(REGISTER_CURATORS, ok=(302, f"/{area}/")),
            form=lambda w: {},
        ),
        RouteCase(
            f"{area}.delete",
            url=lambda w: f"/{area}/{spare(w)}/delete",
            get=signed_in(REGISTER_CURATORS),
            post=signed_in(REGISTER_CURATORS, ok=(302, index)),
            form=lambda w: {},
        ),
        RouteCase(
            f"{area}.import_upload",
            url=lambda w: f"/{area}/import",
            get=signed_in(REGISTER_EDITORS),
            post=signed_in(REGISTER_EDITORS, ok=(302, f"/{area}/import/")),
            form=_upload_form(area),
        ),
        # The upload is the leader's: anyone else's token is as good as none (404).
        RouteCase(
            f"{area}.import_preview",
            url=lambda w: f"/{area}/import/{w.import_tokens.get(area, 'placeholder-token')}",
            get=signed_in(frozenset({LEADER}), admin=404, pa=404),
            post=signed_in(frozenset({LEADER}), ok=(302, index), admin=404, pa=404),
            form=lambda w: {"create_missing": ""},
        ),
    ]


def _decision(path: str = "") -> Callable[[World], str]:
    return lambda w: f"/decisions/{w.decision_id}{path}"


def _hidden_decision(path: str = "") -> Callable[[World, RestrictedObject], str | None]:
    return _only("decision", lambda obj: f"/decisions/{obj.id}{path}")


def _requirement(action: str) -> Callable[[World], str]:
    return lambda w: f"/decisions/{w.decision_id}/requirements/{w.requirement_id}/{action}"


def _hidden_requirement(action: str) -> Callable[[World, RestrictedObject], str | None]:
    return _only(
        "decision",
        lambda obj: f"/decisions/{obj.id}/requirements/{obj.related['requirement_id']}/{action}",
    )


DECISION_ROUTES: list[RouteCase] = [
    RouteCase("decisions.index", url=lambda w: "/decisions/?when=all", get=signed_in()),
    RouteCase(
        "decisions.new",
        url=lambda w: "/decisions/new",
        get=signed_in(DECISION_EDITORS),
        post=signed_in(DECISION_EDITORS, ok=(302, "/decisions/")),
        form=_decision_form,
    ),
    RouteCase(
        "decisions.show",
        url=_decision(),
        get=signed_in(),
        restricted_url=_hidden_decision(),
    ),
    RouteCase(
        "decisions.edit",
        url=_decision("/edit"),
        get=signed_in(DECISION_EDITORS),
        post=signed_in(DECISION_EDITORS, ok=(302, "/decisions/")),
        form=_decision_form,
        restricted_url=_hidden_decision("/edit"),
    ),
    RouteCase(
        "decisions.choose_organisations",
        url=_decision("/partners"),
        get=signed_in(DECISION_EDITORS),
        restricted_url=_hidden_decision("/partners"),
    ),
    RouteCase(
        "decisions.add_partners",
        url=lambda w: (
            f"/decisions/{w.decision_id}/partners/people?organisation_ids={w.organisation_id}"
        ),
        get=signed_in(DECISION_EDITORS),
        post=signed_in(DECISION_EDITORS, ok=(302, "/decisions/")),
        form=_partners_form,
        restricted_url=lambda w, obj: (
            f"/decisions/{obj.id}/partners/people?organisation_ids={w.organisation_id}"
            if obj.kind == "decision"
            else None
        ),
    ),
    RouteCase(
        "decisions.edit_requirement",
        url=_requirement("edit"),
        get=signed_in(DECISION_EDITORS),
        post=signed_in(DECISION_EDITORS, ok=(302, "/decisions/")),
        form=_requirement_form,
        restricted_url=_hidden_requirement("edit"),
    ),
    # Editors mark requirements not required; admins and managers waive them. The form
    # waives, so the leader and PA get the form again with an error (no such option).
    RouteCase(
        "decisions.requirement_status",
        url=_requirement("status"),
        get=signed_in(DECISION_EDITORS | WAIVERS),
        post=signed_in(WAIVERS, ok=(302, "/decisions/"), leader=200, pa=200),
        form=_waive_form,
        restricted_url=_hidden_requirement("status"),
    ),
    RouteCase(
        "decisions.remove_requirement",
        url=_requirement("remove"),
        get=signed_in(DECISION_EDITORS),
        post=signed_in(DECISION_EDITORS, ok=(302, "/decisions/")),
        form=lambda w: {},
        restricted_url=_hidden_requirement("remove"),
    ),
    RouteCase(
        "decisions.report_surprise",
        url=_decision("/surprises/new"),
        get=signed_in(DECISION_EDITORS | WAIVERS),
        post=signed_in(DECISION_EDITORS | WAIVERS, ok=(302, "/decisions/")),
        form=_surprise_form,
        restricted_url=_hidden_decision("/surprises/new"),
    ),
    RouteCase(
        "briefings.new",
        url=lambda w: f"/briefings/new?decision={w.decision_id}",
        get=signed_in(DECISION_EDITORS),
        post=signed_in(DECISION_EDITORS, ok=(302, "/decisions/")),
        form=_new_briefing_form,
        restricted_url=_only("decision", lambda obj: f"/briefings/new?decision={obj.id}"),
    ),
    RouteCase(
        "briefings.show",
        url=lambda w: f"/briefings/{w.briefing_id}",
        get=signed_in(),
        restricted_url=_only("briefing", lambda obj: f"/briefings/{obj.id}"),
    ),
    # Whoever logged a briefing (here the leader) and admins correct it.
    RouteCase(
        "briefings.edit",
        url=lambda w: f"/briefings/{w.briefing_id}/edit",
        get=signed_in(frozenset({ADMIN, LEADER})),
        post=signed_in(frozenset({ADMIN, LEADER}), ok=(302, "/briefings/")),
        form=_edit_briefing_form,
        restricted_url=_only("briefing", lambda obj: f"/briefings/{obj.id}/edit"),
    ),
    RouteCase("my_week.index", url=lambda w: "/my-week", get=signed_in()),
    RouteCase(
        "admin_policy.lead_times",
        url=lambda w: "/admin/lead-times",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/lead-times")),
        form=_lead_times_form,
    ),
    RouteCase(
        "admin_policy.closure_days",
        url=lambda w: "/admin/closure-days",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/closure-days")),
        form=_closure_day_form,
    ),
    RouteCase(
        "admin_policy.remove_closure_day",
        url=lambda w: f"/admin/closure-days/{w.closure_id}/remove",
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/closure-days")),
        form=lambda w: {},
    ),
]

ROUTES += [
    *_register_routes("organisations", "organisation"),
    *_register_routes("people", "person"),
    *DECISION_ROUTES,
]


# --- account, notifications, admin home and outbox, insight, history, maps, calendar --

ACCOUNT_OWNER_ONLY = frozenset({LEADER})


def _only_leader_else_404(ok: Expect = 200) -> dict[str, Expect]:
    """The leader's own thing: other users get 404 (existence is not revealed)."""
    return signed_in(ACCOUNT_OWNER_ONLY, ok=ok, admin=404, pa=404, manager=404, viewer=404)


def _outbox(action: str) -> Callable[[World], str]:
    return lambda w: f"/admin/outbox/{w.reminder_id}/{action}"


OTHER_ROUTES: list[RouteCase] = [
    RouteCase("admin_home.index", url=lambda w: "/admin/", get=signed_in(ADMIN_ONLY)),
    RouteCase(
        "account.profile",
        url=lambda w: "/account",
        get=signed_in(),
        post=signed_in(ok=(302, "/account")),
        form=lambda w: {"reminder_delivery": "digest"},
    ),
    # A created token is shown once, on the 200 response (no redirect).
    RouteCase(
        "account.tokens",
        url=lambda w: "/account/tokens",
        get=signed_in(),
        post=signed_in(),
        form=lambda w: {"name": "Matrix board report"},
        post_stores_on_200=True,
    ),
    RouteCase(
        "account.revoke",
        url=lambda w: f"/account/tokens/{w.revocable_token_id}/revoke",
        get=_only_leader_else_404(),
        post=_only_leader_else_404(ok=(302, "/account/tokens")),
        form=lambda w: {},
    ),
    RouteCase("api_docs.index", url=lambda w: "/api/docs", get=signed_in()),
    RouteCase("notifications.index", url=lambda w: "/notifications", get=signed_in()),
    RouteCase(
        "notifications.mark_all_read",
        url=lambda w: "/notifications/read",
        get=None,
        post=signed_in(ok=(302, "/notifications")),
        form=lambda w: {},
        form_page=lambda w: "/notifications",
    ),
    RouteCase("admin_outbox.index", url=lambda w: "/admin/outbox/", get=signed_in(ADMIN_ONLY)),
    RouteCase(
        "admin_outbox.retry",
        url=_outbox("retry"),
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/outbox/")),
        form=lambda w: {},
    ),
    RouteCase(
        "admin_outbox.mark_sent",
        url=_outbox("mark-sent"),
        get=signed_in(ADMIN_ONLY),
        post=signed_in(ADMIN_ONLY, ok=(302, "/admin/outbox/")),
        form=lambda w: {},
    ),
    # Insight and history are for every signed-in role, filtered by what each may see.
    RouteCase("insight.index", url=lambda w: "/insight/?period=year", get=signed_in()),
    RouteCase(
        "insight.compliance_export",
        url=lambda w: "/insight/export.csv?period=year",
        get=signed_in(),
        kind="csv",
    ),
    RouteCase("history.person", url=lambda w: f"/people/{w.person_id}/history", get=signed_in()),
    RouteCase(
        "history.organisation",
        url=lambda w: f"/organisations/{w.organisation_id}/history",
        get=signed_in(),
    ),
    RouteCase(
        "history.person_export",
        url=lambda w: f"/people/{w.person_id}/history/export.csv",
        get=signed_in(),
        kind="csv",
    ),
    RouteCase(
        "history.organisation_export",
        url=lambda w: f"/organisations/{w.organisation_id}/history/export.csv",
        get=signed_in(),
        kind="csv",
    ),
    RouteCase(
        "history.keep_in_touch",
        url=lambda w: f"/people/{w.person_id}/keep-in-touch",
        get=signed_in(REGISTER_EDITORS),
        post=signed_in(REGISTER_EDITORS, ok=(302, "/people/")),
        form=lambda w: {"keep_in_touch_days": "30"},
    ),
    RouteCase(
        "stakeholders.index",
        url=lambda w: f"/stakeholder-map?organisation={w.organisation_id}",
        get=signed_in(),
    ),
    RouteCase(
        "stakeholders.decision",
        url=_decision("/stakeholder-map"),
        get=signed_in(),
        restricted_url=_hidden_decision("/stakeholder-map"),
    ),
    # No sign-in (calendar apps cannot): the secret address is the key. It is the
    # viewer's here, so no restricted marker may be in it whoever asks.
    RouteCase(
        "calendar_feed.feed",
        url=lambda w: f"/calendar/{w.calendar_tokens['viewer']}.ics",
        get=everyone(),
        kind="ics",
    ),
    RouteCase(
        "calendar_feed.decision",
        url=lambda w: f"/decisions/{w.decision_id}.ics",
        get=signed_in(),
        kind="ics",
        restricted_url=_only("decision", lambda obj: f"/decisions/{obj.id}.ics"),
    ),
    RouteCase("calendar_feed.account", url=lambda w: "/account/calendar", get=signed_in()),
    RouteCase(
        "calendar_feed.new_address",
        url=lambda w: "/account/calendar/new-address",
        get=signed_in(),
        post=signed_in(ok=(302, "/account/calendar")),
        form=lambda w: {},
    ),
]


# --- the JSON API ------------------------------------------------------------------------
# Bearer tokens only: anonymous means no Authorization header (401); a signed-in cookie
# alone is anonymous too (tests/security/test_csrf.py proves it for every route).

API_UNAUTHORISED: Expect = 401


def api(roles: frozenset[str] = SIGNED_IN_ROLES, ok: Expect = 200) -> dict[str, Expect]:
    """`roles` get `ok`; other roles 403; requests without a token 401."""
    expected: dict[str, Expect] = {ANONYMOUS: API_UNAUTHORISED}
    for role in SIGNED_IN_ROLES:
        expected[role] = ok if role in roles else 403
    return expected


def _api_hidden(kind: str, area: str) -> Callable[[World, RestrictedObject], str | None]:
    return _only(kind, lambda obj: f"/api/v1/{area}/{obj.id}")


def _api_event_at(days: int) -> str:
    return (utcnow() + timedelta(days=days)).replace(microsecond=0).isoformat()


def _api_register_routes(area: str, single: str, id_name: str) -> list[RouteCase]:
    collection = "Organisations" if area == "organisations" else "People"
    main = lambda w: getattr(w, f"{id_name}_id")  # noqa: E731
    archived = lambda w: getattr(w, f"archived_{id_name}_id")  # noqa: E731

    def create(world: World) -> dict[str, Any]:
        if area == "organisations":
            return {"name": "Matrix API Trust", "org_type": "trust_acute"}
        return {"full_name": "Matrix API Person", "organisation_id": world.organisation_id}

    return [
        RouteCase(
            f"api_{area}.{collection}",
            url=lambda w: f"/api/v1/{area}",
            get=api(),
            post=api(REGISTER_EDITORS, ok=201),
            json=create,
            kind="json",
            auth="bearer",
        ),
        RouteCase(
            f"api_{area}.{single}ById",
            url=lambda w: f"/api/v1/{area}/{main(w)}",
            get=api(),
            patch=api(REGISTER_EDITORS),
            json=lambda w: {"notes": "Patched by the matrix"},
            kind="json",
            auth="bearer",
        ),
        RouteCase(
            f"api_{area}.archive",
            url=lambda w: f"/api/v1/{area}/{main(w)}/archive",
            get=None,
            post=api(REGISTER_CURATORS),
            kind="json",
            auth="bearer",
        ),
        RouteCase(
            f"api_{area}.restore",
            url=lambda w: f"/api/v1/{area}/{archived(w)}/restore",
            get=None,
            post=api(REGISTER_CURATORS),
            kind="json",
            auth="bearer",
        ),
    ]


def _api_decision_body(world: World) -> dict[str, Any]:
    return {
        "title": "Matrix API decision",
        "kind": "decision",
        "event_at": _api_event_at(40),
        "owner_person_id": world.leader_person_id,
    }


def _api_briefing_body(world: World) -> dict[str, Any]:
    return {
        "occurred_at": _api_event_at(-1),
        "channel": "call",
        "person_ids": [world.person_id],
        "decision_ids": [world.decision_id],
        "briefed_by_person_id": world.leader_person_id,
        "summary": "Logged through the API",
    }


API_ROUTES: list[RouteCase] = [
    RouteCase("api_me.Me", url=lambda w: "/api/v1/me", get=api(), kind="json", auth="bearer"),
    # Public: the document describes the API, not anyone's data.
    RouteCase(
        "api_spec.openapi_document",
        url=lambda w: "/api/v1/openapi.json",
        get=everyone(),
        kind="json",
        auth="bearer",
    ),
    *_api_register_routes("organisations", "Organisation", "organisation"),
    *_api_register_routes("people", "Person", "person"),
    RouteCase(
        "api_decisions.Decisions",
        url=lambda w: "/api/v1/decisions",
        get=api(),
        post=api(DECISION_EDITORS, ok=201),
        json=_api_decision_body,
        kind="json",
        auth="bearer",
    ),
    RouteCase(
        "api_decisions.DecisionById",
        url=lambda w: f"/api/v1/decisions/{w.decision_id}",
        get=api(),
        patch=api(DECISION_EDITORS),
        json=lambda w: {"location": "Matrix room"},
        kind="json",
        auth="bearer",
        restricted_url=_api_hidden("decision", "decisions"),
    ),
    RouteCase(
        "api_decisions.add_partners",
        url=lambda w: f"/api/v1/decisions/{w.decision_id}/partners",
        get=None,
        post=api(DECISION_EDITORS),
        json=lambda w: {"partners": [{"person_id": w.colleague_id, "reason": "Matrix"}]},
        kind="json",
        auth="bearer",
    ),
    RouteCase(
        "api_briefings.Briefings",
        url=lambda w: "/api/v1/briefings",
        get=api(),
        post=api(DECISION_EDITORS, ok=201),
        json=_api_briefing_body,
        kind="json",
        auth="bearer",
    ),
    # Whoever logged a briefing (here the leader) and admins correct it.
    RouteCase(
        "api_briefings.BriefingById",
        url=lambda w: f"/api/v1/briefings/{w.briefing_id}",
        get=api(),
        patch=api(frozenset({ADMIN, LEADER})),
        json=lambda w: {"acknowledged": True},
        kind="json",
        auth="bearer",
        restricted_url=_api_hidden("briefing", "briefings"),
    ),
]

ROUTES += [*OTHER_ROUTES, *API_ROUTES]

# Endpoints deliberately outside the matrix, with the reason.
EXCLUDED: dict[str, str] = {
    "static": "public CSS, JS and images with no data; headers are checked in test_headers",
}

# Restricted and embargoed decisions are seen by admins, their owner (the leader) and the
# owner's PA; the manager and the viewer must never learn they exist.
CIRCLE = frozenset({ADMIN, LEADER, PA})


def _new_marker() -> str:
    return f"RESTRICTED-MARKER-{uuid.uuid4().hex}"


def _store_confidential_decision(world: World, sensitivity: str, marker: str) -> Decision:
    """A confidential decision owned by the leader's Person, with one partner to brief.

    The event is 8 days away, so its brief-by date falls in the circle's "my week".
    """
    leader = db.session.get(User, world.users[LEADER].id)
    assert leader is not None
    event_at = (utcnow() + timedelta(days=8)).replace(microsecond=0)
    decision = decision_service.create_decision(
        leader,
        DecisionInput(
            title=f"{sensitivity.title()} plan {marker}",
            kind=DecisionKind.ANNOUNCEMENT.value,
            owner_person_id=world.leader_person_id,
            event_at=event_at,
            lead_time=5,
            sensitivity=sensitivity,
            embargo_lifts_at=(
                event_at - timedelta(hours=1) if sensitivity == Sensitivity.EMBARGOED else None
            ),
            description=f"Description of {marker}",
        ),
    )
    decision_service.add_partners(
        leader, decision, [PartnerInput(person_id=world.person_id, reason=f"Why {marker}")]
    )
    return decision


def _confidential_decision(sensitivity: Sensitivity) -> Callable[[World], RestrictedObject]:
    def factory(world: World) -> RestrictedObject:
        marker = _new_marker()
        with world.app.app_context():
            decision = _store_confidential_decision(world, sensitivity.value, marker)
            db.session.commit()
            restricted = RestrictedObject(
                decision.id,
                marker,
                CIRCLE,
                kind="decision",
                related={"requirement_id": decision.requirements[0].id},
            )
            db.session.remove()
        return restricted

    factory.__name__ = f"{sensitivity.value}_decision"
    return factory


def restricted_briefing(world: World) -> RestrictedObject:
    """A briefing (logged by the leader) about a restricted decision and the public one.

    Its summary carries the marker: the public decision's page must leave it out for
    anyone who may not see the restricted decision.
    """
    marker = _new_marker()
    with world.app.app_context():
        decision = _store_confidential_decision(world, Sensitivity.RESTRICTED.value, marker)
        leader = db.session.get(User, world.users[LEADER].id)
        assert leader is not None
        briefing, _ = briefing_service.log_briefing(
            leader,
            BriefingInput(
                occurred_at=(utcnow() - timedelta(hours=2)).replace(microsecond=0),
                channel="meeting",
                person_ids=[world.colleague_id],
                decision_ids=[decision.id, world.decision_id],
                briefed_by_person_id=world.leader_person_id,
                summary=f"Summary of {marker}",
            ),
        )
        db.session.commit()
        restricted = RestrictedObject(briefing.id, marker, CIRCLE, kind="briefing")
        db.session.remove()
    return restricted


# Factories that store one restricted object each and describe it (see the module doc).
RESTRICTED_FACTORIES: list[Callable[[World], RestrictedObject]] = [
    _confidential_decision(Sensitivity.RESTRICTED),
    _confidential_decision(Sensitivity.EMBARGOED),
    restricted_briefing,
]


@dataclass(frozen=True)
class ExportCase:
    """A CSV export. `seed` stores rows holding `HOSTILE_CELLS`; `role` may download it."""

    endpoint: str
    url: Callable[[World], str]
    role: str
    seed: Callable[[World, list[str]], None]


# Values that spreadsheet programs would run as formulas if written to a cell as they are.
HOSTILE_CELLS = [
    '=HYPERLINK("https://evil.example","click")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def _seed_organisations(world: World, values: list[str]) -> None:
    with world.app.app_context():
        for value in values:
            db.session.add(
                Organisation(
                    name=value, name_key=value.lower(), org_type="other", website=value, notes=value
                )
            )
        db.session.commit()
        db.session.remove()


def _seed_people(world: World, values: list[str]) -> None:
    with world.app.app_context():
        for value in values:
            db.session.add(
                Person(
                    full_name=value,
                    name_key=value.lower(),
                    organisation_id=world.organisation_id,
                    job_title=value,
                    phone=value[:40],  # the column holds 40 characters
                    notes=value,
                )
            )
        db.session.commit()
        db.session.remove()


def _seed_briefings(world: World, values: list[str]) -> None:
    """General contacts with the world's partner, their summaries and notes hostile."""
    with world.app.app_context():
        leader = db.session.get(User, world.users[LEADER].id)
        assert leader is not None
        for number, value in enumerate(values):
            # Stored as they are (the form would trim the whitespace in front).
            briefing, _ = briefing_service.log_briefing(
                leader,
                BriefingInput(
                    occurred_at=(utcnow() - timedelta(days=1, minutes=number)).replace(
                        microsecond=0
                    ),
                    channel="call",
                    person_ids=[world.person_id],
                    briefed_by_person_id=world.leader_person_id,
                    summary=value,
                    note_reference=value[:100],
                ),
            )
            briefing.summary = value
            briefing.note_reference = value[:100]
        db.session.commit()
        db.session.remove()


def _seed_partner_organisations(world: World, values: list[str]) -> None:
    """Organisations with hostile names, each a partner on the world's decision (so the
    compliance report has a row for each)."""
    with world.app.app_context():
        leader = db.session.get(User, world.users[LEADER].id)
        decision = db.session.get(Decision, world.decision_id)
        assert leader is not None
        assert decision is not None
        people = []
        for value in values:
            organisation = Organisation(name=value, name_key=value.lower(), org_type="other")
            person = Person(full_name="Matrix Hostile Partner", name_key="matrix hostile partner")
            person.organisation = organisation
            db.session.add_all([organisation, person])
            people.append(person)
        db.session.flush()
        decision_service.add_partners(
            leader, decision, [PartnerInput(person_id=person.id) for person in people]
        )
        db.session.commit()
        db.session.remove()


# Viewers may export: the least privileged role that can.
EXPORTS: list[ExportCase] = [
    ExportCase(
        "organisations.export",
        url=lambda w: "/organisations/export.csv",
        role=VIEWER,
        seed=_seed_organisations,
    ),
    ExportCase("people.export", url=lambda w: "/people/export.csv", role=VIEWER, seed=_seed_people),
    ExportCase(
        "insight.compliance_export",
        url=lambda w: "/insight/export.csv?period=year",
        role=MANAGER,  # viewers report on their own decisions only (they have none)
        seed=_seed_partner_organisations,
    ),
    ExportCase(
        "history.person_export",
        url=lambda w: f"/people/{w.person_id}/history/export.csv",
        role=VIEWER,
        seed=_seed_briefings,
    ),
    ExportCase(
        "history.organisation_export",
        url=lambda w: f"/organisations/{w.organisation_id}/history/export.csv",
        role=VIEWER,
        seed=_seed_briefings,
    ),
]

CASES_BY_ENDPOINT: dict[str, RouteCase] = {case.endpoint: case for case in ROUTES}
