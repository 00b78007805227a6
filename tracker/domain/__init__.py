"""Pure domain rules: working days, brief-by dates, outcomes and the reminder policy.

Nothing in this package touches Flask, SQLAlchemy, the network, files or the clock.
"Today" and "now" are always passed in, so every rule is a plain function of its inputs
and can be unit-tested without a database or an app.

Modules:

- `localtime`: Europe/London conversions (store UTC, show and count days in London).
- `statuses`: the status vocabularies shared by decisions and briefing requirements.
- `working_days`: `WorkingCalendar`, English working days (weekends, England bank
  holidays and admin closure days skipped).
- `brief_by`: brief-by dates, including the dates of "update" requirements.
- `outcomes`: the outcome of each requirement and the "no surprises" state of a decision.
- `reminder_policy`: which reminders are owed to whom, on which working day, at what time.
"""
