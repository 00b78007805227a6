"""Restricted and embargoed decisions: invisible to everyone outside their circle, everywhere.

Outsiders (a viewer, a manager, an unrelated leader and that leader's PA) get 404 for the
decision and everything under it, and never see it in lists, counts, search, my week,
briefing pages or history. The circle (owner, owner's PA, decision team) and admins can.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import Cast, log_briefing, requirement_for
from tests.pages import date_fields, signed_in, text_of
from tracker.extensions import db
from tracker.models import DecisionAccess, utcnow

OUTSIDERS = ["viewer", "manager", "other_leader", "other_pa"]
INSIDERS = ["admin", "owner", "pa", "team_member"]


@dataclass
class Secrets:
    cast: Cast
    restricted_id: int
    embargoed_id: int
    internal_id: int
    restricted_requirement_id: int
    restricted_briefing_id: int
    embargoed_briefing_id: int
    shared_briefing_id: int


@pytest.fixture
def secrets(app: Flask, make_user) -> Secrets:
    with app.app_context():
        cast = Cast(make_user)
        soon = (utcnow() + timedelta(days=8)).replace(microsecond=0)
        restricted = cast.decision(
            title="Zephyr restricted hospital closure",
            sensitivity="restricted",
            event_at=soon,
            lead_time=3,
            partners=[cast.alice_id, cast.bob_id],
            team=[cast.team_member],
        )
        embargoed = cast.decision(
            title="Quartz embargoed merger",
            sensitivity="embargoed",
            event_at=soon,
            embargo_lifts_at=soon - timedelta(days=1),
            lead_time=3,
            partners=[cast.alice_id],
            team=[cast.team_member],
        )
        internal = cast.decision(
            title="Open internal consultation",
            event_at=soon,
            lead_time=3,
            partners=[cast.alice_id],
        )
        restricted_briefing = log_briefing(
            actor=cast.owner,
            people=[cast.bob_id],
            decisions=[restricted.id],
            briefed_by=cast.owner_person_id,
            summary="Told Bob about Zephyr",
        )
        embargoed_briefing = log_briefing(
            actor=cast.owner,
            people=[cast.alice_id],
            decisions=[embargoed.id],
            briefed_by=cast.owner_person_id,
            summary="Told Alice about Quartz",
        )
        shared_briefing = log_briefing(
            actor=cast.owner,
            people=[cast.cara_id],
            decisions=[internal.id, restricted.id],
            briefed_by=cast.owner_person_id,
            summary="Covered the consultation and the Zephyr closure",
        )
        return Secrets(
            cast=cast,
            restricted_id=restricted.id,
            embargoed_id=embargoed.id,
            internal_id=internal.id,
            restricted_requirement_id=requirement_for(restricted.id, cast.alice_id).id,
            restricted_briefing_id=restricted_briefing.id,
            embargoed_briefing_id=embargoed_briefing.id,
            shared_briefing_id=shared_briefing.id,
        )


def _decision_urls(decision_id: int, requirement_id: int, org_id: int) -> list[str]:
    return [
        f"/decisions/{decision_id}",
        f"/decisions/{decision_id}/edit",
        f"/decisions/{decision_id}/partners",
        f"/decisions/{decision_id}/partners/people?organisation_ids={org_id}",
        f"/decisions/{decision_id}/requirements/{requirement_id}/edit",
        f"/decisions/{decision_id}/requirements/{requirement_id}/status",
        f"/decisions/{decision_id}/requirements/{requirement_id}/remove",
        f"/decisions/{decision_id}/surprises/new",
        f"/briefings/new?decision={decision_id}",
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404_for_every_url_of_a_restricted_decision(
    app: Flask, secrets: Secrets, role: str
) -> None:
    auth = signed_in(app, secrets.cast.by_role(role))
    urls = _decision_urls(
        secrets.restricted_id, secrets.restricted_requirement_id, secrets.cast.partner_org_id
    )
    for url in urls:
        assert auth.client.get(url).status_code == 404, url
        response = auth.post(url, {"title": "x", "status": "waived", "reason": "x"})
        assert response.status_code in (404, 405), url  # the show page takes no POST
    with app.app_context():
        embargoed_requirement = requirement_for(secrets.embargoed_id, secrets.cast.alice_id).id
    for url in _decision_urls(
        secrets.embargoed_id, embargoed_requirement, secrets.cast.partner_org_id
    ):
        assert auth.client.get(url).status_code == 404, url
    for briefing_id in (
        secrets.restricted_briefing_id,
        secrets.embargoed_briefing_id,
        secrets.shared_briefing_id,
    ):
        assert auth.client.get(f"/briefings/{briefing_id}").status_code == 404
        assert auth.client.get(f"/briefings/{briefing_id}/edit").status_code == 404


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_never_see_it_in_lists_counts_search_or_my_week(
    app: Flask, secrets: Secrets, role: str
) -> None:
    auth = signed_in(app, secrets.cast.by_role(role))
    listing = text_of(auth.client.get("/decisions/?when=all"))
    assert "1 decision " in listing
    assert "Open internal consultation" in listing
    assert "Zephyr" not in listing
    assert "Quartz" not in listing
    for query in ("Zephyr", "Quartz", "restricted", "embargoed"):
        found = text_of(auth.client.get(f"/decisions/?when=all&q={query}"))
        assert "No decisions match" in found, query
        assert "Zephyr restricted" not in found
        assert "Quartz embargoed" not in found
    by_owner = text_of(
        auth.client.get(f"/decisions/?when=all&owner={secrets.cast.owner_person_id}")
    )
    assert "1 decision " in by_owner
    for page in ("/my-week", "/briefings/new", "/decisions/?when=upcoming"):
        response = auth.client.get(page)
        if response.status_code == 403:
            continue  # managers and viewers cannot log briefings at all
        body = text_of(response)
        assert "Zephyr" not in body, page
        assert "Quartz" not in body, page


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_do_not_see_a_restricted_briefing_on_an_open_decision(
    app: Flask, secrets: Secrets, role: str
) -> None:
    # Its owner corrects the shared briefing, so the change (old and new summary) would
    # show in the open decision's history too.
    owner = signed_in(app, secrets.cast.owner)
    corrected = owner.post(
        f"/briefings/{secrets.shared_briefing_id}/edit",
        {
            **date_fields("occurred_date", (utcnow() - timedelta(days=1)).date()),
            "occurred_time": "09:00",
            "channel": "call",
            "summary": "Zephyr closure and consultation, corrected",
        },
    )
    assert corrected.status_code == 302
    owner_view = text_of(owner.client.get(f"/decisions/{secrets.internal_id}"))
    assert "Zephyr closure and consultation, corrected" in owner_view
    auth = signed_in(app, secrets.cast.by_role(role))
    page = text_of(auth.client.get(f"/decisions/{secrets.internal_id}"))
    assert "Open internal consultation" in page
    assert "Zephyr" not in page


@pytest.mark.parametrize("role", INSIDERS)
def test_the_circle_and_admins_see_it_everywhere(app: Flask, secrets: Secrets, role: str) -> None:
    auth = signed_in(app, secrets.cast.by_role(role))
    listing = text_of(auth.client.get("/decisions/?when=all"))
    assert "3 decisions " in listing
    assert "Zephyr restricted hospital closure" in listing
    assert "Quartz embargoed merger" in listing
    found = text_of(auth.client.get("/decisions/?when=all&q=zephyr"))
    assert "1 decision " in found
    assert "Zephyr restricted hospital closure" in found
    page = auth.client.get(f"/decisions/{secrets.restricted_id}")
    assert page.status_code == 200
    body = text_of(page)
    assert "Confidential" in body
    assert "History" in body
    assert "Created “Zephyr restricted hospital closure”" in body
    assert auth.client.get(f"/decisions/{secrets.embargoed_id}").status_code == 200
    assert auth.client.get(f"/briefings/{secrets.restricted_briefing_id}").status_code == 200
    shared = text_of(auth.client.get(f"/decisions/{secrets.internal_id}"))
    assert "Covered the consultation and the Zephyr closure" in shared
    if role != "admin":  # my week is for the owner's circle and team
        week = text_of(auth.client.get("/my-week"))
        assert "Zephyr restricted hospital closure" in week


def test_an_embargo_that_has_lifted_is_visible_to_everyone(app: Flask, make_user) -> None:
    with app.app_context():
        cast = Cast(make_user)
        lifted = cast.decision(
            title="Lifted embargo announcement",
            sensitivity="embargoed",
            event_at=(utcnow() + timedelta(days=10)).replace(microsecond=0),
            embargo_lifts_at=utcnow() - timedelta(minutes=5),
            partners=[cast.alice_id],
        )
        lifted_id = lifted.id
    for role in OUTSIDERS:
        auth = signed_in(app, cast.by_role(role))
        assert auth.client.get(f"/decisions/{lifted_id}").status_code == 200
        listing = text_of(auth.client.get("/decisions/?when=all&q=lifted"))
        assert "1 decision " in listing
        page = text_of(auth.client.get(f"/decisions/{lifted_id}"))
        assert "Every view is recorded" not in page  # no longer confidential
        assert "Pre-release access register" not in page
    with app.app_context():
        assert db.session.scalars(select(DecisionAccess)).all() == []


def test_access_register_records_first_last_and_count(app: Flask, secrets: Secrets) -> None:
    owner = signed_in(app, secrets.cast.owner)
    pa = signed_in(app, secrets.cast.pa)
    before = utcnow().replace(microsecond=0)
    owner.client.get(f"/decisions/{secrets.restricted_id}")
    owner.client.get(f"/decisions/{secrets.restricted_id}")
    pa.client.get(f"/decisions/{secrets.restricted_id}")
    # Outsiders' refused attempts are not views.
    signed_in(app, secrets.cast.viewer).client.get(f"/decisions/{secrets.restricted_id}")
    # Opening an internal decision records nothing.
    owner.client.get(f"/decisions/{secrets.internal_id}")
    with app.app_context():
        rows = {
            row.user_id: row
            for row in db.session.scalars(
                select(DecisionAccess).where(DecisionAccess.decision_id == secrets.restricted_id)
            )
        }
        assert set(rows) == {secrets.cast.owner.id, secrets.cast.pa.id}
        owner_row = rows[secrets.cast.owner.id]
        assert owner_row.view_count == 2
        assert owner_row.first_viewed_at >= before - timedelta(seconds=1)
        assert owner_row.last_viewed_at >= owner_row.first_viewed_at
        assert rows[secrets.cast.pa.id].view_count == 1
        internal_rows = db.session.scalars(
            select(DecisionAccess).where(DecisionAccess.decision_id == secrets.internal_id)
        ).all()
        assert internal_rows == []
    page = text_of(owner.client.get(f"/decisions/{secrets.restricted_id}"))
    register = page.split("Pre-release access register")[1].split("History")[0]
    assert "Olu Owner" in register
    assert "Pat Assistant" in register
    assert "Vic Viewer" not in register
    # Owner: 3 views now (this one included); PA: 1.
    owner_row_text = register.split("Olu Owner")[1].split("Pat Assistant")[0]
    # (The next row starts with its responsive-table heading, "Person".)
    assert owner_row_text.strip().removesuffix("Person").strip().endswith("3")


def test_a_manager_cannot_waive_or_report_on_a_hidden_decision(
    app: Flask, secrets: Secrets
) -> None:
    manager = signed_in(app, secrets.cast.manager)
    status_url = (
        f"/decisions/{secrets.restricted_id}/requirements/"
        f"{secrets.restricted_requirement_id}/status"
    )
    assert manager.post(status_url, {"status": "waived", "reason": "x"}).status_code == 404
    response = manager.post(
        f"/decisions/{secrets.restricted_id}/surprises/new",
        {
            "person_id": str(secrets.cast.alice_id),
            **date_fields("reported_date", utcnow().date()),
            "what_they_said": "Surprised",
        },
    )
    assert response.status_code == 404
    with app.app_context():
        assert requirement_for(secrets.restricted_id, secrets.cast.alice_id).status == "pending"
