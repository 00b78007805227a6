"""Outcomes: was each partner briefed in time, and did the decision achieve "no surprises"?

Per requirement, the outcome follows from its brief-by date, the event's time, its
status and its first qualifying briefing. Dates are compared as Europe/London dates,
because "on or before Tuesday" means Tuesday in England, whatever the UTC date is.

A decision *achieved no surprises* when every requirement is on time, not required or
waived. `DecisionState` says where a decision stands before and after that is settled,
with labels that read well without colour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from tracker.domain.labelled import LabelledEnum
from tracker.domain.localtime import london_date, require_aware, require_date
from tracker.domain.statuses import RequirementStatus


class Outcome(LabelledEnum):
    """The outcome of one briefing requirement."""

    ON_TIME = "on_time", "On time", "Briefed on or before the brief-by date."
    LATE = "late", "Late", "Briefed after the brief-by date, before the day of the event."
    SAME_DAY = "same_day", "Same day", "Briefed on the day of the event, before it happened."
    AFTER_EVENT = "after_event", "After the event", "Briefed only once the event had happened."
    NOT_BRIEFED = "not_briefed", "Not briefed", "The event happened and they were never briefed."
    NOT_REQUIRED = "not_required", "Not required", "A briefing was judged not to be needed."
    WAIVED = "waived", "Waived", "An admin or manager waived the briefing, with a reason."
    PENDING = (
        "pending",
        "Not briefed yet",
        "The event has not happened and they are still to brief.",
    )

    @property
    def is_final(self) -> bool:
        """Settled for good: only PENDING can still change by itself."""
        return self is not Outcome.PENDING

    @property
    def is_no_surprise(self) -> bool:
        """Counts towards the decision achieving no surprises."""
        return self in _NO_SURPRISE

    @property
    def is_surprise(self) -> bool:
        """The partner was not told in time: the decision cannot achieve no surprises."""
        return self in _SURPRISE

    @property
    def severity(self) -> int | None:
        """Rank of a briefed or missed outcome: 0 is best (on time), 4 worst (not briefed).

        None for outcomes that are not about timing (not required, waived, pending).
        Briefing earlier never gives a higher severity.
        """
        return _SEVERITY.get(self)


_NO_SURPRISE = frozenset({Outcome.ON_TIME, Outcome.NOT_REQUIRED, Outcome.WAIVED})
_SURPRISE = frozenset({Outcome.LATE, Outcome.SAME_DAY, Outcome.AFTER_EVENT, Outcome.NOT_BRIEFED})
_SEVERITY = {
    Outcome.ON_TIME: 0,
    Outcome.LATE: 1,
    Outcome.SAME_DAY: 2,
    Outcome.AFTER_EVENT: 3,
    Outcome.NOT_BRIEFED: 4,
}


def briefing_outcome(*, brief_by: date, event_at: datetime, briefed_at: datetime) -> Outcome:
    """The outcome of a briefing at `briefed_at`, for a requirement due by `brief_by`.

    In order: at or after the event's time → after the event; on or before the brief-by
    date (London) → on time; before the event's date (London) → late; otherwise the
    event's date, before its time → same day. Checking the brief-by date before the
    event's date matters only for update requirements whose "as soon as possible"
    brief-by date falls on the event's date: briefing by then is on time.
    """
    require_date(brief_by, "brief_by")
    require_aware(event_at, "event_at")
    require_aware(briefed_at, "briefed_at")
    if briefed_at >= event_at:
        return Outcome.AFTER_EVENT
    briefed_on = london_date(briefed_at)
    if briefed_on <= brief_by:
        return Outcome.ON_TIME
    if briefed_on < london_date(event_at):
        return Outcome.LATE
    return Outcome.SAME_DAY


def requirement_outcome(
    *,
    brief_by: date,
    event_at: datetime,
    first_briefed_at: datetime | None,
    status: RequirementStatus | str,
    now: datetime,
) -> Outcome:
    """The outcome of one briefing requirement at instant `now`.

    - not required / waived: NOT_REQUIRED / WAIVED, whatever was logged.
    - briefed: the outcome of its first qualifying briefing (`briefing_outcome`);
      `first_briefed_at` is required.
    - pending: NOT_BRIEFED once the event's time has come (`now >= event_at`), else
      PENDING; `first_briefed_at` must be None (a pending requirement with a briefing
      is inconsistent data, and guessing would hide the bug).

    All datetimes must be timezone-aware; dates are compared in Europe/London.
    """
    status = RequirementStatus(status)
    require_date(brief_by, "brief_by")
    require_aware(event_at, "event_at")
    require_aware(now, "now")
    if first_briefed_at is not None:
        require_aware(first_briefed_at, "first_briefed_at")
    if status is RequirementStatus.NOT_REQUIRED:
        return Outcome.NOT_REQUIRED
    if status is RequirementStatus.WAIVED:
        return Outcome.WAIVED
    if status is RequirementStatus.BRIEFED:
        if first_briefed_at is None:
            raise ValueError("a briefed requirement needs first_briefed_at")
        return briefing_outcome(brief_by=brief_by, event_at=event_at, briefed_at=first_briefed_at)
    if first_briefed_at is not None:
        raise ValueError("a pending requirement cannot have first_briefed_at")
    if now >= event_at:
        return Outcome.NOT_BRIEFED
    return Outcome.PENDING


def decision_achieved_no_surprises(outcomes: Iterable[Outcome]) -> bool | None:
    """True, False, or None while it is not yet settled.

    - False as soon as any requirement is late, same day, after the event or not
      briefed: nothing can undo that.
    - True when every requirement is on time, not required or waived.
    - None while some are still pending (and none has failed), or when there are no
      requirements at all: a decision that names no partners proves nothing.
    """
    outcomes = [Outcome(outcome) for outcome in outcomes]
    if any(outcome.is_surprise for outcome in outcomes):
        return False
    if not outcomes or any(outcome is Outcome.PENDING for outcome in outcomes):
        return None
    return True


class DecisionState(LabelledEnum):
    """Where a decision stands on "no surprises", most serious first.

    - SURPRISES: at least one partner was (or will certainly be, because the event has
      happened) told late or not at all.
    - AT_RISK: nobody has been told late yet, but a pending requirement is past its
      brief-by date; briefing now would be late, so it can only still achieve no
      surprises if that requirement is waived or found not required.
    - ON_TRACK: some partners are still to brief, none of them overdue.
    - NO_SURPRISES: every requirement is on time, not required or waived.
    - NO_PARTNERS: no affected partners are recorded, so there is nothing to judge.
    """

    SURPRISES = (
        "surprises",
        "Surprises: not everyone briefed in time",
        "At least one partner was briefed late, on the day, after the event, or not at all.",
    )
    AT_RISK = (
        "at_risk",
        "At risk: briefing overdue",
        "A brief-by date has passed and that partner is still to be briefed.",
    )
    ON_TRACK = (
        "on_track",
        "On track: briefings still to do",
        "Some partners are still to be briefed; none of their brief-by dates has passed.",
    )
    NO_SURPRISES = (
        "no_surprises",
        "No surprises: everyone briefed in time",
        "Every partner was briefed on time, or their briefing was not required or waived.",
    )
    NO_PARTNERS = (
        "no_partners",
        "No affected partners recorded",
        "Add the partners this affects to work out who must be briefed by when.",
    )


@dataclass(frozen=True, slots=True)
class AssessedRequirement:
    """A requirement's outcome together with its brief-by date, for `decision_state`."""

    outcome: Outcome
    brief_by: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        require_date(self.brief_by, "brief_by")


def decision_state(requirements: Iterable[AssessedRequirement], *, today: date) -> DecisionState:
    """The decision's overall state on `today` (its Europe/London date).

    A pending requirement is overdue when its brief-by date is before `today`; on the
    brief-by date itself it is still on track.
    """
    require_date(today, "today")
    requirements = list(requirements)
    if not requirements:
        return DecisionState.NO_PARTNERS
    if any(requirement.outcome.is_surprise for requirement in requirements):
        return DecisionState.SURPRISES
    pending = [r for r in requirements if r.outcome is Outcome.PENDING]
    if any(requirement.brief_by < today for requirement in pending):
        return DecisionState.AT_RISK
    if pending:
        return DecisionState.ON_TRACK
    return DecisionState.NO_SURPRISES
