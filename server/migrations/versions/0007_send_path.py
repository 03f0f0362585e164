"""send path (issue 16): live-event outbox, per-reader sequence, thread client ids

Revision ID: 0007_send_path
Revises: 0006_notifications
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models

revision = "0007_send_path"
down_revision = "0006_notifications"
branch_labels = None
depends_on = None

UTC = chat.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "live_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_live_outbox_created_at", "live_outbox", ["created_at"])
    with op.batch_alter_table("threads") as batch:
        batch.add_column(
            sa.Column("last_patient_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("patient_seq", sa.BigInteger(), nullable=True))
    # Existing messages: number what the patient side sees, in seq order.
    op.execute(
        "UPDATE messages SET patient_seq = (SELECT count(*) FROM messages m2 "
        "WHERE m2.thread_id = messages.thread_id AND m2.kind <> 'internal_note' "
        "AND m2.seq <= messages.seq) WHERE kind <> 'internal_note'"
    )
    op.execute(
        "UPDATE threads SET last_patient_seq = (SELECT count(*) FROM messages m "
        "WHERE m.thread_id = threads.id AND m.kind <> 'internal_note')"
    )
    op.create_index(
        "uq_messages_thread_patient_seq", "messages", ["thread_id", "patient_seq"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_messages_thread_patient_seq", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("patient_seq")
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("last_patient_seq")
    op.drop_index("ix_live_outbox_created_at", table_name="live_outbox")
    op.drop_table("live_outbox")
