"""notifications: outbox, preferences, verifications, push subscriptions, presence, unit
service levels, thread promises

Revision ID: 0006_notifications
Revises: 0005
Create Date: 2026-12-01 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models

revision = "0006_notifications"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = chat.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("not_before", UTC, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("last_error", sa.String(length=60), nullable=True),
        sa.Column("last_error_at", UTC, nullable=True),
        sa.Column("note", sa.String(length=30), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("sent_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_notification_outbox_pending",
        "notification_outbox",
        ["user_id", "topic", "channel"],
        unique=True,
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index("ix_notification_outbox_due", "notification_outbox", ["state", "not_before"])
    op.create_index("ix_notification_outbox_unit", "notification_outbox", ["unit_id", "state"])
    op.create_index(
        "ix_notification_outbox_recent",
        "notification_outbox",
        ["user_id", "topic", "channel", "sent_at"],
    )
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_verified_at", UTC, nullable=True),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_verified_at", UTC, nullable=True),
        sa.Column("sms_enabled", sa.Boolean(), nullable=False),
        sa.Column("push_enabled", sa.Boolean(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "notification_verifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_notification_verifications_user",
        "notification_verifications",
        ["user_id", "channel"],
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
    )
    op.create_index("ix_push_subscriptions_user", "push_subscriptions", ["user_id"])
    op.create_table(
        "user_presence",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("last_seen_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "unit_service_levels",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=True),
        sa.Column("escalation", sa.JSON(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "thread_promises",
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("waiting_since", UTC, nullable=True),
        sa.Column("due_at", UTC, nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.Column("escalation_step", sa.Integer(), nullable=False),
        sa.Column("escalated_at", UTC, nullable=True),
        sa.Column("next_check_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"]),
        sa.PrimaryKeyConstraint("thread_id"),
    )
    op.create_index("ix_thread_promises_next_check", "thread_promises", ["next_check_at"])


def downgrade() -> None:
    op.drop_index("ix_thread_promises_next_check", table_name="thread_promises")
    op.drop_table("thread_promises")
    op.drop_table("unit_service_levels")
    op.drop_table("user_presence")
    op.drop_index("ix_push_subscriptions_user", table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_index("ix_notification_verifications_user", table_name="notification_verifications")
    op.drop_table("notification_verifications")
    op.drop_table("notification_preferences")
    for name in (
        "ix_notification_outbox_recent",
        "ix_notification_outbox_unit",
        "ix_notification_outbox_due",
        "uq_notification_outbox_pending",
    ):
        op.drop_index(name, table_name="notification_outbox")
    op.drop_table("notification_outbox")
