"""live outbox rows name their send's message: a resend publishes what a crashed send left

Revision ID: 0011_outbox_message
Revises: 0010_oidc
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_outbox_message"
down_revision = "0010_oidc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows written before have none: the sweep publishes them as before.
    with op.batch_alter_table("live_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f("ix_live_outbox_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("live_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_outbox_message_id"))
        batch_op.drop_column("message_id")
