"""Reminders as rows: scheduled when requirements change, sent by a sweep.

One module per job:

- `schedule`: the policy's configuration, reconciling the outbox with the policy when a
  requirement changes, and the keep-in-touch rows owed (flushes; the caller commits);
- `sweep`: claim what is due and send it exactly once, and the daily pass; a job with
  its own units of work (one per claim, re-check and email), safe to run many at once;
- `outbox`: the admin outbox (what needs attention, send again, mark as sent), for
  admins only;
- `notifications`: the in-app notifications of the signed-in user, the unread count;
- `messages`: what reminders say (subjects, text and HTML, links).

The names other code uses are re-exported here: `from tracker.services import
reminders; reminders.sweep(...)`. Two of them share their module's name: the package's
`sweep` and `notifications` are the functions; reach anything else in those modules with
`from tracker.services.reminders.sweep import ...`.
"""

from __future__ import annotations

from tracker.services.reminders import messages
from tracker.services.reminders.notifications import (
    Notification,
    mark_all_read,
    notification_entries,
    notifications,
    unread_count,
)
from tracker.services.reminders.outbox import (
    OutboxEntry,
    OutboxError,
    get_for_admin,
    mark_sent,
    needing_attention,
    outbox_entries,
    outbox_entry,
    retry,
)
from tracker.services.reminders.schedule import (
    Context,
    ReconcileResult,
    current_policy,
    keep_in_touch_recipients,
    make_context,
    recompute_for_decision,
    recompute_for_requirements,
    reconcile_keep_in_touch,
    reconcile_requirement,
    snapshot,
)
from tracker.services.reminders.sweep import (
    DAILY_BATCH,
    DAILY_JOB,
    DAILY_LEASE,
    MAX_BACKOFF,
    MAX_BATCHES_PER_SWEEP,
    SweepSummary,
    backoff,
    daily_reconcile,
    mark_stale,
    still_owed,
    sweep,
)

__all__ = [
    "DAILY_BATCH",
    "DAILY_JOB",
    "DAILY_LEASE",
    "MAX_BACKOFF",
    "MAX_BATCHES_PER_SWEEP",
    "Context",
    "Notification",
    "OutboxEntry",
    "OutboxError",
    "ReconcileResult",
    "SweepSummary",
    "backoff",
    "current_policy",
    "daily_reconcile",
    "get_for_admin",
    "keep_in_touch_recipients",
    "make_context",
    "mark_all_read",
    "mark_sent",
    "mark_stale",
    "messages",
    "needing_attention",
    "notification_entries",
    "notifications",
    "outbox_entries",
    "outbox_entry",
    "recompute_for_decision",
    "recompute_for_requirements",
    "reconcile_keep_in_touch",
    "reconcile_requirement",
    "retry",
    "snapshot",
    "still_owed",
    "sweep",
    "unread_count",
]
