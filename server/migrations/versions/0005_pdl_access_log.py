"""PDL: chained access log per care unit, log reviews, spärr, emergency access, nara_app role

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00.000000

- access_log gets unit_id, unit_seq, flagged, reason, prev_hash, row_hash; existing rows are
  placed in a unit (the thread's, else the patient's, else the staff member's) and chained.
- SQLite: INSERT OR REPLACE (and any insert that would hit an existing row) is refused by a
  trigger, as UPDATE and DELETE already are.
- PostgreSQL: TRUNCATE is refused too, and the role ``nara_app`` (NOLOGIN; grant it to the
  login the server uses) may only SELECT and INSERT on access_log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import chat.models
from chat.audit import GENESIS, digest

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APP_ROLE = "nara_app"


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.add_column("access_log", sa.Column("unit_id", sa.Uuid(), nullable=True))
    op.add_column("access_log", sa.Column("unit_seq", sa.BigInteger(), nullable=True))
    op.add_column(
        "access_log",
        sa.Column("flagged", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("access_log", sa.Column("reason", sa.Text(), nullable=True))
    op.add_column("access_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("access_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    if pg:
        op.create_foreign_key(
            "fk_access_log_unit_id", "access_log", "care_units", ["unit_id"], ["id"]
        )
    op.create_table(
        "access_log_heads",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    op.create_table(
        "access_log_reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=False),
        sa.Column("at", chat.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sample", sa.JSON(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("flagged_ids", sa.JSON(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_access_log_reviews_unit_at", "access_log_reviews", ["unit_id", "at"])
    op.create_table(
        "patient_blocks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", chat.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lifted_by", sa.Uuid(), nullable=True),
        sa.Column("lifted_at", chat.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["lifted_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_patient_blocks_patient_unit", "patient_blocks", ["patient_id", "unit_id"])
    op.create_table(
        "emergency_accesses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_user_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("thread_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", chat.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", chat.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["care_units.id"]),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_emergency_accesses_patient_unit", "emergency_accesses", ["patient_id", "unit_id"]
    )
    _chain_existing_rows(pg)
    op.create_index("ix_access_log_unit_id", "access_log", ["unit_id", "id"])
    op.create_index("uq_access_log_unit_seq", "access_log", ["unit_id", "unit_seq"], unique=True)
    if pg:
        op.execute(
            "CREATE FUNCTION nara_access_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION nara_access_log_no_truncate()"
        )
        _app_role()
    else:
        # REPLACE deletes the conflicting row without firing DELETE triggers: refuse any
        # insert that would meet an existing row, before conflict resolution runs.
        op.execute(
            "CREATE TRIGGER access_log_no_replace BEFORE INSERT ON access_log "
            "WHEN EXISTS (SELECT 1 FROM access_log WHERE id = NEW.id) "
            "OR EXISTS (SELECT 1 FROM access_log "
            "WHERE unit_id = NEW.unit_id AND unit_seq = NEW.unit_seq) "
            "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END"
        )


def _chain_existing_rows(pg: bool) -> None:
    """Rows written before this migration: give each a unit and chain them in id order."""
    bind = op.get_bind()
    log = sa.table(
        "access_log",
        sa.column("id", sa.BigInteger()),
        sa.column("staff_user_id", sa.Uuid()),
        sa.column("patient_id", sa.Uuid()),
        sa.column("thread_id", sa.Uuid()),
        sa.column("action", sa.String()),
        sa.column("remote_addr", sa.String()),
        sa.column("at", chat.models.UTCDateTime()),
        sa.column("unit_id", sa.Uuid()),
        sa.column("unit_seq", sa.BigInteger()),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
    )
    threads = sa.table("threads", sa.column("id", sa.Uuid()), sa.column("team_id", sa.Uuid()))
    teams = sa.table("teams", sa.column("id", sa.Uuid()), sa.column("unit_id", sa.Uuid()))
    patients = sa.table("patients", sa.column("id", sa.Uuid()), sa.column("unit_id", sa.Uuid()))
    members = sa.table(
        "unit_memberships", sa.column("staff_id", sa.Uuid()), sa.column("unit_id", sa.Uuid())
    )
    thread_unit = (
        sa.select(teams.c.unit_id)
        .join(threads, threads.c.team_id == teams.c.id)
        .where(threads.c.id == log.c.thread_id)
        .scalar_subquery()
    )
    patient_unit = (
        sa.select(patients.c.unit_id).where(patients.c.id == log.c.patient_id).scalar_subquery()
    )
    staff_unit = (
        sa.select(members.c.unit_id)
        .where(members.c.staff_id == log.c.staff_user_id)
        .order_by(members.c.unit_id)
        .limit(1)
        .scalar_subquery()
    )
    unit = sa.type_coerce(sa.func.coalesce(thread_unit, patient_unit, staff_unit), sa.Uuid())
    rows = bind.execute(
        sa.select(
            log.c.id,
            log.c.staff_user_id,
            log.c.patient_id,
            log.c.thread_id,
            log.c.action,
            log.c.remote_addr,
            log.c.at,
            unit.label("unit"),
        ).order_by(log.c.id)
    ).fetchall()
    if not rows:
        return
    if pg:
        op.execute("ALTER TABLE access_log DISABLE TRIGGER access_log_immutable")
    else:
        op.execute("DROP TRIGGER access_log_no_update")
    chained: dict[object, tuple[int, str]] = {}
    for r in rows:
        if r.unit is None:
            continue  # no unit can be named: left unchained, reported by `nara audit verify`
        seq, prev = chained.get(r.unit, (0, GENESIS))
        row = {
            "unit_id": r.unit,
            "unit_seq": seq + 1,
            "at": r.at,
            "staff_user_id": r.staff_user_id,
            "patient_id": r.patient_id,
            "thread_id": r.thread_id,
            "action": r.action,
            "remote_addr": r.remote_addr,
            "flagged": False,
            "reason": None,
            "prev_hash": prev,
        }
        row_hash = digest(row)
        bind.execute(
            log.update()
            .where(log.c.id == r.id)
            .values(unit_id=r.unit, unit_seq=seq + 1, prev_hash=prev, row_hash=row_hash)
        )
        chained[r.unit] = (seq + 1, row_hash)
    heads = sa.table(
        "access_log_heads",
        sa.column("unit_id", sa.Uuid()),
        sa.column("last_seq", sa.BigInteger()),
        sa.column("last_hash", sa.String()),
    )
    for unit_id, (seq, last) in chained.items():
        bind.execute(heads.insert().values(unit_id=unit_id, last_seq=seq, last_hash=last))
    if pg:
        op.execute("ALTER TABLE access_log ENABLE TRIGGER access_log_immutable")
    else:
        op.execute(
            "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
            "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END"
        )


def _app_role() -> None:
    """The server's role: everything it needs, but on access_log only SELECT and INSERT.

    Roles belong to the whole PostgreSQL cluster: created once, granted per database."""
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar()
    op.execute(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"CREATE ROLE {APP_ROLE} NOLOGIN; END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {APP_ROLE}')
    op.execute(
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {APP_ROLE}'
    )
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {APP_ROLE}')
    op.execute(f"REVOKE ALL ON access_log FROM {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON access_log TO {APP_ROLE}")
    op.execute(f"REVOKE ALL ON alembic_version FROM {APP_ROLE}")
    op.execute(f"GRANT SELECT ON alembic_version TO {APP_ROLE}")
    # Tables of later migrations (run by the owner) are the server's too.
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}"
    )
    op.execute(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f"GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}"
    )


def downgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    if pg:
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
        op.execute(
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
            f"REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}"
        )
        op.execute(
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
            f"REVOKE USAGE, SELECT ON SEQUENCES FROM {APP_ROLE}"
        )
        op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {APP_ROLE}')
        op.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {APP_ROLE}')
        op.execute(f'REVOKE USAGE ON SCHEMA "{schema}" FROM {APP_ROLE}')
        op.execute("DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log")
        op.execute("DROP FUNCTION IF EXISTS nara_access_log_no_truncate()")
    else:
        op.execute("DROP TRIGGER IF EXISTS access_log_no_replace")
    op.drop_index("uq_access_log_unit_seq", table_name="access_log")
    op.drop_index("ix_access_log_unit_id", table_name="access_log")
    op.drop_index("ix_emergency_accesses_patient_unit", table_name="emergency_accesses")
    op.drop_table("emergency_accesses")
    op.drop_index("ix_patient_blocks_patient_unit", table_name="patient_blocks")
    op.drop_table("patient_blocks")
    op.drop_index("ix_access_log_reviews_unit_at", table_name="access_log_reviews")
    op.drop_table("access_log_reviews")
    op.drop_table("access_log_heads")
    if pg:
        op.drop_constraint("fk_access_log_unit_id", "access_log", type_="foreignkey")
    for column in ("row_hash", "prev_hash", "reason", "flagged", "unit_seq", "unit_id"):
        op.drop_column("access_log", column)
