"""acute alerts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "acute_alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("presentation", sa.String(length=60), nullable=True),
        sa.Column("presentation_name", sa.String(length=200), nullable=True),
        sa.Column("red_flag_kind", sa.String(length=60), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("raised_at", chat.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", chat.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["acknowledged_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("acute_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_acute_alerts_unit_state", ["unit_id", "state"], unique=False)
        batch_op.create_index("ix_acute_alerts_thread_state", ["thread_id", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("acute_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_acute_alerts_thread_state")
        batch_op.drop_index("ix_acute_alerts_unit_state")
    op.drop_table("acute_alerts")
