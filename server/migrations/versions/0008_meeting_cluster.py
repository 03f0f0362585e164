"""meetings across processes (issue 14)

Revision ID: 0008_meeting_cluster
Revises: 0007_send_path
"""

from __future__ import annotations

revision = "0008_meeting_cluster"
down_revision = "0007_send_path"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
