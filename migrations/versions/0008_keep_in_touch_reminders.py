"""keep in touch reminders: a partial unique key for reminders about a person

Reminders about a person (kind 'keep_in_touch') never have a requirement. Their key,
(person, recipient, kind, day), becomes a partial unique index over those rows only,
which the sweep's INSERT … ON CONFLICT DO NOTHING relies on.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 01:56:15.071257

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = ["person_id", "recipient_user_id", "kind", "for_day"]
_ABOUT_A_PERSON = "requirement_id IS NULL"


def upgrade():
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reminder_person_key", type_="unique")
        batch_op.create_index(
            "uq_reminder_person_day",
            _COLUMNS,
            unique=True,
            sqlite_where=sa.text(_ABOUT_A_PERSON),
            postgresql_where=sa.text(_ABOUT_A_PERSON),
        )


def downgrade():
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_reminder_person_day",
            sqlite_where=sa.text(_ABOUT_A_PERSON),
            postgresql_where=sa.text(_ABOUT_A_PERSON),
        )
        batch_op.create_unique_constraint("uq_reminder_person_key", _COLUMNS)
