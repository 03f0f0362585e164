"""case types, invånarärenden, standard answers (issue 12)

Revision ID: 0009_case_types
Revises: 0008_meeting_cluster
"""

from __future__ import annotations

revision = "0009_case_types"
down_revision = "0008_meeting_cluster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
