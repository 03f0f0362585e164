"""OpenID Connect identities (issue 13)

Revision ID: 0010_oidc
Revises: 0009_case_types
"""

from __future__ import annotations

revision = "0010_oidc"
down_revision = "0009_case_types"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
