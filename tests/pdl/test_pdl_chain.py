"""Tamper evidence: rows are hash-chained per unit; `nara audit verify` names the first bad row
of a changed, removed or reordered log; the database itself refuses rewrites."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

import chat.storage.database as database_module
from server.keys import DB
from tests.conftest import RunningServer, start_server
from tests.pdl.support import anna_thread, is_postgres, nara_audit_verify, tamper, unit_log

pytestmark = pytest.mark.slow


async def _rows(server, n: int = 5) -> list[int]:
    """n log rows of the demo unit, in chain order; their ids."""
    _, thread_id = await anna_thread(server)
    sara = await server.login("sara")
    for _ in range(n):
        await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    async with server.app[DB].read() as store:
        ids = (
            await store.session.execute(
                text("SELECT id FROM access_log ORDER BY unit_seq"),
            )
        ).scalars()
        return [int(i) for i in ids]


async def test_an_intact_log_verifies(server):
    ids = await _rows(server)
    code, out = await nara_audit_verify(server)
    assert code == 0, out
    assert f"access log intact: {len(ids)} rows in 1 units" in out


async def test_a_changed_row_is_named(server):
    ids = await _rows(server)
    await tamper(server, f"UPDATE access_log SET remote_addr = '10.9.9.9' WHERE id = {ids[2]}")
    code, out = await nara_audit_verify(server)
    assert code == 1, out
    assert f"BAD row id={ids[2]} " in out and "the row was changed" in out


async def test_a_removed_row_is_named(server):
    ids = await _rows(server)
    await tamper(server, f"DELETE FROM access_log WHERE id = {ids[1]}")
    code, out = await nara_audit_verify(server)
    assert code == 1, out
    assert f"BAD row id={ids[2]} " in out and "removed" in out


async def test_a_removed_tail_is_seen(server):
    ids = await _rows(server)
    await tamper(server, f"DELETE FROM access_log WHERE id >= {ids[-2]}")
    code, out = await nara_audit_verify(server)
    assert code == 1, out
    assert "end of chain" in out and "missing" in out


async def test_reordered_rows_are_named(server):
    ids = await _rows(server)
    a, b = ids[1], ids[2]
    await tamper(
        server,
        f"UPDATE access_log SET unit_seq = -1 WHERE id = {a}",
        f"UPDATE access_log SET unit_seq = 2 WHERE id = {b}",
        f"UPDATE access_log SET unit_seq = 3 WHERE id = {a}",
    )
    code, out = await nara_audit_verify(server)
    assert code == 1, out
    assert f"BAD row id={b} " in out


async def test_the_database_refuses_rewrites(server):
    ids = await _rows(server, 2)
    if is_postgres(server):
        dsn = make_url(server.config.database_url).set(drivername="postgresql")
        conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            for sql in (
                f"UPDATE access_log SET action = 'x' WHERE id = {ids[0]}",
                f"DELETE FROM access_log WHERE id = {ids[0]}",
                "TRUNCATE access_log",
            ):
                with pytest.raises(asyncpg.RaiseError, match="append-only"):
                    await conn.execute(sql)
        finally:
            await conn.close()
    else:
        path = make_url(server.config.database_url).database
        assert path
        db = sqlite3.connect(path)
        try:
            for sql in (
                f"UPDATE access_log SET action = 'x' WHERE id = {ids[0]}",
                f"DELETE FROM access_log WHERE id = {ids[0]}",
                # REPLACE would delete the old row without firing DELETE triggers.
                "INSERT OR REPLACE INTO access_log (id, staff_user_id, patient_id, action, at, "
                "flagged) SELECT id, staff_user_id, patient_id, 'forged', at, 0 "
                f"FROM access_log WHERE id = {ids[0]}",
                "INSERT OR REPLACE INTO access_log (staff_user_id, patient_id, action, at, "
                "flagged, unit_id, unit_seq) SELECT staff_user_id, patient_id, 'forged', at, 0, "
                f"unit_id, unit_seq FROM access_log WHERE id = {ids[0]}",
            ):
                with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                    db.execute(sql)
            forged = db.execute("SELECT count(*) FROM access_log WHERE action = 'forged'")
            assert forged.fetchone() == (0,)
        finally:
            db.close()
    code, out = await nara_audit_verify(server)
    assert code == 0, out


@pytest.mark.postgres
async def test_the_app_role_may_only_insert_and_select_the_log(server):
    if not is_postgres(server):
        pytest.skip("PostgreSQL only")
    dsn = make_url(server.config.database_url).set(drivername="postgresql")
    conn = await asyncpg.connect(
        dsn.render_as_string(hide_password=False), server_settings={"role": "nara_app"}
    )
    try:
        for sql in (
            "UPDATE access_log SET action = 'x'",
            "DELETE FROM access_log",
            "TRUNCATE access_log",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql)
        assert await conn.fetchval("SELECT count(*) FROM access_log") >= 0
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_the_server_runs_as_nara_app(base_config, db_template, monkeypatch):
    """The whole server on the restricted role: reads are logged, the chain still verifies."""
    if not base_config.database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    real = database_module.create_async_engine

    def as_app(url, **kw):
        kw["connect_args"] = {"server_settings": {"role": "nara_app"}}
        return real(url, **kw)

    monkeypatch.setattr(database_module, "create_async_engine", as_app)
    runner, url = await start_server(base_config)
    try:
        server = RunningServer(url, db_template.demo, base_config, runner.app)
        async with server.app[DB].read() as store:
            assert await store.session.scalar(text("SELECT current_user")) == "nara_app"
        _, thread_id = await anna_thread(server)
        sara, lars = await server.login("sara"), await server.login("lars")
        await sara.ok("GET", "/api/v1/threads")
        await sara.ok("GET", f"/api/v1/threads/{thread_id}")
        entries, _ = await unit_log(lars, server.demo.unit_id)
        assert {"threads.list", "thread.read"} <= {e["action"] for e in entries}
        await server.close_clients()
    finally:
        await runner.cleanup()
    code, out = await nara_audit_verify(server)
    assert code == 0, out
