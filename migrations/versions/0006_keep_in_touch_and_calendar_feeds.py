"""keep in touch cadence and calendar feeds

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 01:23:28.532492

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_calendar_feed_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keep_in_touch_days", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "keep_in_touch_days_range",
            "keep_in_touch_days IS NULL OR keep_in_touch_days BETWEEN 1 AND 365",
        )


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint("keep_in_touch_days_range", type_="check")
        batch_op.drop_column("keep_in_touch_days")

    op.drop_table("calendar_feed")
