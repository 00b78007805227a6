"""The insight services decide for themselves who may see what, whoever calls them.

Reports cover exactly the rule's IN_REPORTS; the history services load their subject
(NotFound when it does not exist) and refuse cadence changes to roles that may not set
one (Forbidden); a decision's stakeholder map and .ics are NotFound outside its circle;
calendar addresses belong to the actor asking.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import insight_factories as f
from tracker.domain.errors import Forbidden, NotFound
from tracker.domain.periods import Period
from tracker.domain.visibility import IN_REPORTS, REPORTS_ON_ALL_ROLES
from tracker.domain.vocabulary import Role
from tracker.extensions import db
from tracker.models import AuditEvent, Decision, Person
from tracker.services import calendar_feeds, compliance, history, stakeholders, visibility
from tracker.services.actor import Actor

NOW = f.utc(2029, 12, 1, 12)
TODAY = date(2029, 12, 1)
YEAR_2030 = Period(date(2030, 1, 1), date(2030, 12, 31))
MISSING = 999_999


@pytest.fixture
def world(app, make_user):
    """Decisions of every sensitivity, owned by a leader (with a PA) or by someone else,
    some with the leader or a viewer on their team, each with a pending requirement."""
    users = {
        "leader": make_user(Role.LEADER),
        "pa": make_user(Role.PA),
        "viewer": make_user(Role.VIEWER),
        "manager": make_user(Role.MANAGER),
        "admin": make_user(Role.ADMIN),
        "outsider": make_user(Role.LEADER),
    }
    with app.app_context():
        home = f.organisation("Home ICB", "icb")
        council = f.organisation("Northshire Council", "la_unitary")
        leader, viewer = f.user(users["leader"].id), f.user(users["viewer"].id)
        lee = f.person(home, "Lee Leader", user=leader, pas=[f.user(users["pa"].id)])
        olga = f.person(home, "Olga Other", user=f.user(users["outsider"].id))
        partner = f.person(council, "Carla Council")
        kinds = [
            ("internal", None),
            ("restricted", None),
            ("embargoed", f.utc(2031, 1, 1)),  # not lifted at NOW
            ("embargoed", f.utc(2029, 11, 1)),  # lifted before NOW
        ]
        day = 0
        for owner in (lee, olga):
            for team in ([], [leader], [viewer]):
                for sensitivity, lifts in kinds:
                    day += 1
                    decision = f.decision(
                        owner,
                        f"{owner.full_name} {sensitivity} {day}",
                        event_at=f.utc(2030, 3, 1, 9) + timedelta(days=day),
                        sensitivity=sensitivity,
                        embargo_lifts_at=lifts,
                        team=team,
                    )
                    f.requirement(decision, partner, brief_by=date(2030, 2, 1))
        restricted = f.decision(
            olga, "Olga's secret", event_at=f.utc(2030, 6, 1, 9), sensitivity="restricted"
        )
        f.requirement(restricted, partner, brief_by=date(2030, 5, 20))
        f.briefing([partner], occurred_at=f.utc(2029, 11, 20, 10), decisions=[restricted])
        db.session.commit()
        ids = {
            "partner": partner.id,
            "council": council.id,
            "restricted": restricted.id,
        }
    return users, ids


def _in_reports(user) -> set[int]:
    """The decisions the rule's IN_REPORTS gives this user, evaluated in Python."""
    decisions = db.session.scalars(select(Decision)).all()
    return {d.id for d in decisions if visibility.holds(IN_REPORTS, user, d, NOW)}


@pytest.mark.parametrize("role", ["leader", "pa", "viewer", "manager", "admin", "outsider"])
def test_report_scope_is_the_rules_in_reports(app, world, role):
    users, _ids = world
    with app.app_context():
        user = f.user(users[role].id)
        expected = _in_reports(user)
        assert expected  # every role reports on something here
        at_risk = {item.decision.id for item in compliance.risk_list(user, TODAY, NOW)}
        assert at_risk == expected
        assert compliance.figures_for(user, YEAR_2030, NOW).decisions == len(expected)
        report = compliance.report(user, YEAR_2030, TODAY, NOW)
        assert report.totals.decisions == len(expected)
        assert report.everything is (user.role in REPORTS_ON_ALL_ROLES)


def test_a_leaders_report_is_their_circle_and_not_everything_they_may_see(app, world):
    users, _ids = world
    with app.app_context():
        leader = f.user(users["leader"].id)
        visible = {
            d.id for d in db.session.scalars(select(Decision)) if visibility.can_see(leader, d, NOW)
        }
        reported = {item.decision.id for item in compliance.risk_list(leader, TODAY, NOW)}
        assert reported < visible
        assert all(
            visibility.in_circle(leader, db.session.get(Decision, decision_id))
            for decision_id in reported
        )


@pytest.mark.parametrize("role", list(Role))
def test_sees_everything_is_the_rules_reports_on_all_fact(app, make_user, role):
    user = make_user(role)
    with app.app_context():
        assert compliance.sees_everything(f.user(user.id)) is (role.value in REPORTS_ON_ALL_ROLES)
        assert compliance.sees_everything(Actor.job()) is False


def test_history_services_refuse_a_subject_that_does_not_exist(app, world):
    users, ids = world
    with app.app_context():
        viewer = f.user(users["viewer"].id)
        leader = f.user(users["leader"].id)
        filters = history.HistoryFilters()
        with pytest.raises(NotFound):
            history.person_timeline(viewer, MISSING)
        with pytest.raises(NotFound):
            history.organisation_timeline(viewer, MISSING)
        with pytest.raises(NotFound):
            history.person_export(viewer, MISSING, filters)
        with pytest.raises(NotFound):
            history.organisation_export(viewer, MISSING, filters)
        with pytest.raises(NotFound):
            history.person_for_cadence(leader, MISSING)
        # The subjects that exist load, with what the actor may see of them.
        shown = history.person_timeline(viewer, ids["partner"])
        assert shown.person.id == ids["partner"]
        assert shown.page.total == 0  # the one briefing was about a hidden decision
        assert shown.can_set_cadence is False
        assert history.person_timeline(f.user(users["admin"].id), ids["partner"]).page.total == 1


def test_the_organisation_timeline_keeps_a_person_filter_only_for_its_own_people(app, world):
    users, ids = world
    with app.app_context():
        admin = f.user(users["admin"].id)
        own = history.organisation_timeline(
            admin, ids["council"], filters=history.HistoryFilters(person_id=ids["partner"])
        )
        assert own.filters.person_id == ids["partner"]
        assert [p.id for p in own.people] == [ids["partner"]]
        assert own.page.total == 1
        stranger = db.session.scalar(select(Person.id).where(Person.full_name == "Lee Leader"))
        other = history.organisation_timeline(
            admin, ids["council"], filters=history.HistoryFilters(person_id=stranger)
        )
        assert other.filters.person_id is None  # "anyone", as the form shows it
        assert other.page.total == 1


@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_cadence_changes_are_refused_by_the_service(app, world, role):
    users, ids = world
    with app.app_context():
        user = f.user(users[role].id)
        with pytest.raises(Forbidden):
            history.person_for_cadence(user, ids["partner"])
        # Asked first, as the page always has: no hint whether the person exists.
        with pytest.raises(Forbidden):
            history.person_for_cadence(user, MISSING)
        partner = db.session.get(Person, ids["partner"])
        audited = db.session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(Forbidden):
            history.set_keep_in_touch(user, partner, 30)
        assert partner.keep_in_touch_days is None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audited
        with pytest.raises(Forbidden):
            history.set_keep_in_touch(Actor.job(), partner, 30)


def test_a_restricted_decisions_map_and_ics_are_not_found_outside_its_circle(app, world):
    users, ids = world
    with app.app_context():
        for role in ("leader", "pa", "viewer", "manager"):
            user = f.user(users[role].id)
            with pytest.raises(NotFound):
                stakeholders.people_for_decision(user, ids["restricted"])
            with pytest.raises(NotFound):
                calendar_feeds.decision_calendar(
                    user, ids["restricted"], host="example.org", url_for_decision=str
                )
        for who in (f.user(users["outsider"].id), f.user(users["admin"].id)):
            partners = stakeholders.people_for_decision(who, ids["restricted"])
            assert partners.decision.id == ids["restricted"]
            assert [p.id for p in partners.people] == [ids["partner"]]
            body = calendar_feeds.decision_calendar(
                who, ids["restricted"], host="example.org", url_for_decision=str
            )
            assert b"Olga's secret" in body
        with pytest.raises(NotFound):
            stakeholders.people_for_decision(f.user(users["admin"].id), MISSING)


def test_calendar_addresses_belong_to_the_actor(app, world):
    users, _ids = world
    key = app.config["SECRET_KEY"]
    with app.app_context():
        leader = f.user(users["leader"].id)
        assert calendar_feeds.subscription(leader, key).feed is None
        token = calendar_feeds.create_or_rotate(Actor.of(leader), key)
        shown = calendar_feeds.subscription(leader, key)
        assert shown.token == token
        assert shown.stale is False
        assert calendar_feeds.subscription(leader, "another key").stale is True
        assert calendar_feeds.subscription(f.user(users["viewer"].id), key).feed is None
        body = calendar_feeds.feed_for_token(token, host="example.org", url_for_decision=str)
        assert b"Lee Leader internal 1" in body
        assert b"Olga's secret" not in body
        with pytest.raises(NotFound):
            calendar_feeds.feed_for_token("not-a-token", host="example.org", url_for_decision=str)
        # A job acts for nobody: it has no address to read or rotate.
        with pytest.raises(Forbidden):
            calendar_feeds.create_or_rotate(Actor.job(), key)
        with pytest.raises(Forbidden):
            calendar_feeds.subscription(Actor.job(), key)
