"""meetings across processes (issue 14)

Revision ID: 0008_meeting_cluster
Revises: 0007_send_path
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models

revision = "0008_meeting_cluster"
down_revision = "0007_send_path"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A guest's rejoin token (its hash) on the link it used: back in after any restart.
    with op.batch_alter_table("meeting_invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rejoin_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_meeting_invites_rejoin_hash"), ["rejoin_hash"], unique=True
        )
    # Janus rooms with their secrets: the sweep destroys those of crashed processes.
    op.create_table(
        "video_rooms",
        sa.Column("server", sa.String(length=100), nullable=False),
        sa.Column("room_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", chat.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"]),
        sa.PrimaryKeyConstraint("server", "room_id"),
    )
    with op.batch_alter_table("video_rooms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_rooms_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("video_rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_rooms_meeting_id"))
    op.drop_table("video_rooms")
    with op.batch_alter_table("meeting_invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_invites_rejoin_hash"))
        batch_op.drop_column("rejoin_hash")
