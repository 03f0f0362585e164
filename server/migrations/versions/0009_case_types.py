"""case types, invånarärenden, standard answers (issue 12)

Revision ID: 0009_case_types
Revises: 0008_meeting_cluster
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models

revision = "0009_case_types"
down_revision = "0008_meeting_cluster"
branch_labels = None
depends_on = None

UTC = chat.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "case_types",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), sa.ForeignKey("care_units.id"), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("template_key", sa.String(length=60), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "key", name="uq_case_types_unit_key"),
    )
    op.create_table(
        "case_type_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_type_id", sa.Uuid(), sa.ForeignKey("case_types.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Uuid(), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("response_time_hours", sa.Integer(), nullable=False),
        sa.Column("attachments_allowed", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_type_id", "version", name="uq_case_type_versions_version"),
    )
    op.create_index("ix_case_type_versions_case_type_id", "case_type_versions", ["case_type_id"])
    op.create_table(
        "case_answers",
        sa.Column("thread_id", sa.Uuid(), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("version_id", sa.Uuid(), sa.ForeignKey("case_type_versions.id"), nullable=False),
        sa.Column("message_id", sa.Uuid(), sa.ForeignKey("messages.id"), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("answered_by", sa.Uuid(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("answered_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("thread_id"),
    )
    op.create_table(
        "case_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("version_id", sa.Uuid(), sa.ForeignKey("case_type_versions.id"), nullable=False),
        sa.Column("patient_id", sa.Uuid(), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("sent_by", sa.Uuid(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("planned_at", UTC, nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("remind_at", UTC, nullable=True),
        sa.Column("reminded_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("answered_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("thread_id", name="uq_case_requests_thread_id"),
    )
    op.create_index("ix_case_requests_patient_id", "case_requests", ["patient_id"])
    op.create_index("ix_case_requests_state_remind", "case_requests", ["state", "remind_at"])
    op.create_table(
        "consultations",
        sa.Column("thread_id", sa.Uuid(), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("source_thread_id", sa.Uuid(), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("created_by", sa.Uuid(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("thread_id"),
    )
    op.create_index("ix_consultations_source_thread_id", "consultations", ["source_thread_id"])
    op.create_table(
        "standard_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), sa.ForeignKey("care_units.id"), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_standard_answers_unit_id", "standard_answers", ["unit_id"])
    op.create_table(
        "unit_phone_hours",
        sa.Column("unit_id", sa.Uuid(), sa.ForeignKey("care_units.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id"),
    )


def downgrade() -> None:
    op.drop_table("unit_phone_hours")
    op.drop_index("ix_standard_answers_unit_id", table_name="standard_answers")
    op.drop_table("standard_answers")
    op.drop_index("ix_consultations_source_thread_id", table_name="consultations")
    op.drop_table("consultations")
    op.drop_index("ix_case_requests_state_remind", table_name="case_requests")
    op.drop_index("ix_case_requests_patient_id", table_name="case_requests")
    op.drop_table("case_requests")
    op.drop_table("case_answers")
    op.drop_index("ix_case_type_versions_case_type_id", table_name="case_type_versions")
    op.drop_table("case_type_versions")
    op.drop_table("case_types")
