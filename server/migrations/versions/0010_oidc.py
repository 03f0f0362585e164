"""OpenID Connect identities (issue 13): staff HSA-ids bound to logins, started logins

Revision ID: 0010_oidc
Revises: 0009_case_types
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models

revision = "0010_oidc"
down_revision = "0009_case_types"
branch_labels = None
depends_on = None

UTC = chat.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "external_identities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_login_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value"),
    )
    op.create_index("ix_external_identities_user_id", "external_identities", ["user_id"])
    op.create_table(
        "oidc_pending_logins",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("redirect_uri", sa.String(length=500), nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("state_hash"),
    )
    op.create_index("ix_oidc_pending_logins_expires_at", "oidc_pending_logins", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_oidc_pending_logins_expires_at", table_name="oidc_pending_logins")
    op.drop_table("oidc_pending_logins")
    op.drop_index("ix_external_identities_user_id", table_name="external_identities")
    op.drop_table("external_identities")
