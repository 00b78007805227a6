"""Insight: the compliance dashboard and its CSV export."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, g, render_template, request
from flask_login import login_required
from wtforms import RadioField, SelectChoice

from tracker.domain.outcomes import Outcome
from tracker.domain.periods import Period, PeriodKind, period_for
from tracker.services import compliance, csv_export
from tracker.services.calendar import today_london
from tracker.web.actor import current_actor
from tracker.web.charts import Series, percentage_bars
from tracker.web.fields import NhsDateField
from tracker.web.forms import NhsForm

bp = Blueprint("insight", __name__, url_prefix="/insight")

#: Custom periods longer than this are refused: ten years of board reporting is plenty,
#: and it keeps a mistyped year from scanning the whole table.
MAX_CUSTOM_DAYS = 3660

SERIES = [
    Series("achieved", "Decisions that achieved no surprises"),
    Series("on-time", "Requirements briefed on time"),
]


class PeriodForm(NhsForm):
    class Meta:
        csrf = False  # a GET form that only chooses what the page shows

    period = RadioField(
        "Period",
        choices=[SelectChoice(kind.value, kind.label) for kind in PeriodKind],
        default=PeriodKind.QUARTER.value,
    )
    date_from = NhsDateField("From", description="For example, 1 4 2027")
    date_to = NhsDateField("To", description="For example, 31 3 2028")

    def chosen_period(self, today: date) -> Period | None:
        """The period asked for, or None (with errors on the form) when it makes no sense."""
        kind = self.period.data if self.period.data in set(PeriodKind) else PeriodKind.QUARTER
        if kind != PeriodKind.CUSTOM:
            return period_for(kind, today)
        first, last = self.date_from.data, self.date_to.data
        if first is None and not self.date_from.errors:
            self.add_error("date_from", "Enter the first date of the period")
        if last is None and not self.date_to.errors:
            self.add_error("date_to", "Enter the last date of the period")
        if first is None or last is None:
            return None
        if last < first:
            self.add_error("date_to", "The last date must be the same as or after the first date")
            return None
        if (last - first).days > MAX_CUSTOM_DAYS:
            self.add_error("date_to", "Choose a period of 10 years or less")
            return None
        return Period(first, last)


def _period_from_request() -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.args)
    today = today_london()
    if not request.args.get("period"):
        form.period.data = PeriodKind.QUARTER.value
    form.validate()
    period = form.chosen_period(today)
    if period is None or form.date_from.errors or form.date_to.errors:
        g.form_errors_shown = True
        period = period_for(PeriodKind.QUARTER, today)
    return form, period


@bp.route("/")
@login_required
def index() -> str:
    form, period = _period_from_request()
    today = today_london()
    report = compliance.report(current_actor(), period, today)
    chart = percentage_bars(
        [b.label for b in report.trend],
        SERIES,
        [[b.figures.share_achieved, b.figures.share(Outcome.ON_TIME)] for b in report.trend],
    )
    return render_template(
        "insight/index.html",
        form=form,
        report=report,
        chart=chart,
        risks=compliance.risk_list(current_actor(), today),
        timing_outcomes=compliance.TIMING_OUTCOMES,
        today=today,
        export_args=request.args.to_dict(),
    )


REPORT_HEADERS = (
    "Section",
    "Name",
    "Decisions",
    "Achieved no surprises",
    "Did not achieve no surprises",
    "Still open",
    "No partners recorded",
    "Share achieved (%)",
    "Requirements",
    "On time",
    "Late",
    "Same day",
    "After the event",
    "Not briefed",
    "Pending",
    "Not required",
    "Waived",
    "Share on time (%)",
    "Share surprised (%)",
    "Surprises reported",
)


def _row(section: str, name: str, figures: compliance.Figures) -> list[object]:
    def share(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    outcomes = figures.outcomes
    return [
        section,
        name,
        figures.decisions,
        figures.achieved,
        figures.failed,
        figures.open,
        figures.no_partners,
        share(figures.share_achieved),
        figures.requirements,
        outcomes[Outcome.ON_TIME],
        outcomes[Outcome.LATE],
        outcomes[Outcome.SAME_DAY],
        outcomes[Outcome.AFTER_EVENT],
        outcomes[Outcome.NOT_BRIEFED],
        outcomes[Outcome.PENDING],
        outcomes[Outcome.NOT_REQUIRED],
        outcomes[Outcome.WAIVED],
        share(figures.share(Outcome.ON_TIME)),
        share(figures.share_surprised),
        figures.surprises_reported,
    ]


def compliance_csv(report: compliance.Report, period: Period) -> bytes:
    """The report as the spreadsheet managers put in board packs."""
    span = f"{period.first.isoformat()} to {period.last.isoformat()}"
    rows = [_row("Period", span, report.totals)]
    rows += [_row("Month", b.key, b.figures) for b in report.trend]
    rows += [_row("Decision owner", b.label, b.figures) for b in report.by_owner]
    rows += [_row("Partner organisation", b.label, b.figures) for b in report.by_organisation]
    rows += [_row("Organisation type", b.label, b.figures) for b in report.by_organisation_type]
    return csv_export.csv_bytes(REPORT_HEADERS, rows)


@bp.route("/export.csv")
@login_required
def compliance_export() -> Response:
    _form, period = _period_from_request()
    today = today_london()
    body = compliance_csv(compliance.report(current_actor(), period, today), period)
    filename = csv_export.dated_filename(
        f"no-surprises-compliance-{period.first.isoformat()}-{period.last.isoformat()}", today
    )
    return Response(
        body,
        content_type=csv_export.CONTENT_TYPE,
        headers={"Content-Disposition": csv_export.content_disposition(filename)},
    )
