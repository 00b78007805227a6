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
a route's `restricted_url` answers 404 to those roles.

CSV exports are registered in `EXPORTS` (see `ExportCase`); the formula-injection test
runs on each, and a route whose endpoint ends in "export" or whose kind is "csv" must be
listed there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from tracker.models import Role

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = (ANONYMOUS, *(role.value for role in Role))
SIGNED_IN_ROLES = frozenset(role.value for role in Role)
ADMIN_ONLY = frozenset({Role.ADMIN.value})

Expect = int | tuple[int, str]
SIGN_IN_REDIRECT: Expect = (302, "/sign-in?next=")


@dataclass
class World:
    """The objects URL builders can point at: fresh for every test."""

    app: Flask
    users: dict[str, Any]  # role → tests.conftest.UserInfo, one per signed-in role
    target_user_id: int  # a user record to view, edit, disable…
    restricted: list[RestrictedObject] = field(default_factory=list)


@dataclass(frozen=True)
class RestrictedObject:
    """An object only some roles may see. `marker` is unique text in its title."""

    id: int
    marker: str
    visible_to: frozenset[str]


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
    # Where this route shows one restricted object, for routes that take an object id.
    restricted_url: Callable[[World, RestrictedObject], str] | None = None
    # HTML pages must be visited (and gated) by a browser journey.
    journey: bool = True


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

# Endpoints deliberately outside the matrix, with the reason.
EXCLUDED: dict[str, str] = {
    "static": "public CSS, JS and images with no data; headers are checked in test_headers",
}

# Factories that store one restricted object each and describe it (see the module doc).
RESTRICTED_FACTORIES: list[Callable[[World], RestrictedObject]] = []


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

EXPORTS: list[ExportCase] = []

CASES_BY_ENDPOINT: dict[str, RouteCase] = {case.endpoint: case for case in ROUTES}
