"""Dashboard figures against hand-worked expectations (see tests/insight_dataset.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests import insight_dataset
from tests import insight_factories as f
from tracker.domain.outcomes import Outcome
from tracker.domain.periods import Period
from tracker.services import compliance

Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))
NOW = f.utc(2025, 4, 15, 12)


@pytest.fixture
def dataset(app, make_user):
    return insight_dataset.build(app, make_user)


def _report(app, dataset, role, today=date(2025, 4, 15)):
    with app.app_context():
        user = f.user(dataset.users[role].id)
        return compliance.report(user, Q1, today, NOW)


def _outcomes(figures):
    return {o.value: n for o, n in figures.outcomes.items() if n}


def test_admin_sees_every_counted_decision(app, dataset):
    totals = _report(app, dataset, "admin").totals
    assert (totals.decisions, totals.achieved, totals.failed, totals.no_partners) == (5, 1, 3, 1)
    assert totals.open == 0
    assert totals.share_achieved == 25.0
    assert _outcomes(totals) == {
        "on_time": 3, "late": 1, "same_day": 1, "after_event": 1, "not_briefed": 1,
        "not_required": 1, "waived": 1,
    }  # fmt: skip
    assert totals.timed == 7
    assert totals.share(Outcome.ON_TIME) == 42.9
    assert totals.share(Outcome.LATE) == 14.3
    assert totals.surprises_reported == 1


def test_restricted_decision_is_left_out_of_a_managers_figures(app, dataset):
    report = _report(app, dataset, "manager")
    totals = report.totals
    assert report.everything
    assert (totals.decisions, totals.achieved, totals.failed, totals.no_partners) == (4, 1, 2, 1)
    assert totals.share_achieved == pytest.approx(33.3)
    assert _outcomes(totals) == {
        "on_time": 2, "late": 1, "after_event": 1, "not_briefed": 1,
        "not_required": 1, "waived": 1,
    }  # fmt: skip
    assert totals.surprises_reported == 0
    trust = next(b for b in report.by_organisation if b.label.startswith("Riverside"))
    assert (trust.figures.decisions, trust.figures.surprised) == (1, 0)
    assert trust.figures.surprises_reported == 0


def test_viewer_sees_only_their_own_decisions(app, dataset):
    report = _report(app, dataset, "viewer")
    totals = report.totals
    assert not report.everything
    assert (totals.decisions, totals.achieved, totals.failed) == (1, 1, 0)
    assert _outcomes(totals) == {"on_time": 2}
    assert [b.label for b in report.by_owner] == ["Lee Leader"]


@pytest.mark.parametrize("role", ["leader", "pa"])
def test_owner_and_their_pa_include_the_restricted_decision(app, dataset, role):
    totals = _report(app, dataset, role).totals
    assert (totals.decisions, totals.achieved, totals.failed, totals.no_partners) == (4, 1, 2, 1)
    assert _outcomes(totals) == {
        "on_time": 3,
        "late": 1,
        "same_day": 1,
        "not_briefed": 1,
        "not_required": 1,
    }
    assert totals.surprises_reported == 1


def test_other_leader_sees_only_their_decision(app, dataset):
    totals = _report(app, dataset, "leader2").totals
    assert (totals.decisions, totals.failed) == (1, 1)
    assert _outcomes(totals) == {"after_event": 1, "waived": 1}


def test_breakdowns_for_admin(app, dataset):
    report = _report(app, dataset, "admin")
    owners = {
        b.label: (b.figures.decisions, b.figures.achieved, b.figures.failed)
        for b in report.by_owner
    }
    assert owners == {"Lee Leader": (4, 1, 2), "Oona Other": (1, 0, 1)}
    # Most surprised first; ties by name.
    organisations = [
        (b.label, b.figures.decisions, b.figures.outcomes[Outcome.ON_TIME], b.figures.surprised,
         b.figures.surprises_reported)
        for b in report.by_organisation
    ]  # fmt: skip
    assert organisations == [
        ("Riverside Hospitals NHS Trust", 2, 1, 1, 1),
        ("Voluntary Action Northshire", 2, 0, 2, 0),
        ("Northshire Council", 4, 2, 1, 0),
    ]
    types = {b.key: (b.figures.decisions, b.figures.surprised) for b in report.by_organisation_type}
    assert types == {"la_unitary": (4, 1), "trust_acute": (2, 1), "vcse": (2, 2)}


def test_trend_groups_by_london_month(app, dataset):
    report = _report(app, dataset, "admin", today=date(2025, 4, 15))
    months = {b.key: b.figures for b in report.trend}
    assert len(report.trend) == 12
    assert (report.trend[0].key, report.trend[-1].key) == ("2024-05", "2025-04")
    assert (months["2025-01"].decisions, months["2025-01"].failed) == (1, 1)
    assert (months["2025-02"].decisions, months["2025-02"].achieved) == (2, 1)
    assert (months["2025-03"].decisions, months["2025-03"].failed) == (2, 2)
    # D8 is at 23:30 UTC on 31 March: 00:30 BST on 1 April, so April's.
    assert (months["2025-04"].decisions, months["2025-04"].achieved) == (2, 1)
    assert months["2025-04"].outcomes[Outcome.NOT_BRIEFED] == 1  # D10, event passed by NOW
    assert months["2024-12"].decisions == 0


def test_risk_list_soonest_brief_by_first_and_confidential(app, dataset):
    with app.app_context():
        admin = f.user(dataset.users["admin"].id)
        manager = f.user(dataset.users["manager"].id)
        lee = f.db.session.get(f.Person, dataset.people["lee"])
        tess = f.db.session.get(f.Person, dataset.people["tess"])
        secret = f.decision(
            lee, "Secret plan", event_at=f.utc(2025, 3, 28, 10), sensitivity="restricted"
        )
        f.requirement(secret, tess, brief_by=date(2025, 3, 21))
        f.db.session.commit()
        now = f.utc(2025, 3, 1, 9)
        risks = compliance.risk_list(admin, date(2025, 3, 1), now)
        assert [r.decision.title for r in risks] == ["Secret plan", "Consultation"]
        assert [(r.pending, r.overdue) for r in risks] == [(1, 0), (1, 0)]
        assert [r.decision.title for r in compliance.risk_list(manager, date(2025, 3, 1), now)] == [
            "Consultation"
        ]
        late = compliance.risk_list(admin, date(2025, 3, 25), f.utc(2025, 3, 25, 9))
        assert [(r.decision.title, r.overdue) for r in late] == [
            ("Secret plan", 1),
            ("Consultation", 0),
        ]


QUERY = {
    "period": "custom",
    "date_from[day]": "1", "date_from[month]": "1", "date_from[year]": "2025",
    "date_to[day]": "31", "date_to[month]": "3", "date_to[year]": "2025",
}  # fmt: skip


def test_dashboard_page_shows_the_figures(client, auth, dataset):
    auth.login_as(dataset.users["manager"])
    response = client.get("/insight/", query_string=QUERY)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "4 with the event in this period" in html
    assert "33% (1 of 3 settled decisions)" in html
    assert "Merger" not in html
    assert '<svg class="app-chart__svg" viewBox="0 0 760 320" role="img"' in html
    assert 'aria-labelledby="trend-title trend-desc"' in html
    assert '<title id="trend-title">' in html


def test_dashboard_rejects_a_backwards_custom_period(client, auth, dataset):
    auth.login_as(dataset.users["admin"])
    query = {**QUERY, "date_to[year]": "2024"}
    html = client.get("/insight/", query_string=query).get_data(as_text=True)
    assert "<title>Error: " in html
    assert "The last date must be the same as or after the first date" in html


def test_compliance_export_matches_and_respects_confidentiality(client, auth, dataset):
    auth.login_as(dataset.users["admin"])
    response = client.get("/insight/export.csv", query_string=QUERY)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, period = rows[0], rows[1]
    assert period[:8] == ["Period", "2025-01-01 to 2025-03-31", "5", "1", "3", "0", "1", "25.0"]
    assert period[header.index("Surprises reported")] == "1"
    assert any(row[:2] == ["Decision owner", "Lee Leader"] for row in rows)
    auth.logout()
    auth.login_as(dataset.users["manager"])
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/insight/export.csv", query_string=QUERY).get_data().decode("utf-8-sig")
            )
        )
    )
    assert rows[1][2] == "4"
