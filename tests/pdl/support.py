"""Shared steps of the PDL tests: threads, the unit's log, tampering behind the server's back."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import uuid
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from tests.support.clients import ApiClient
from tests.support.flows import start_thread

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RANDOM_ID = "00000000-0000-4000-8000-000000000000"


async def anna_thread(server: Any) -> tuple[ApiClient, str]:
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    return anna, first["thread"]["id"]


async def unit_log(
    admin: ApiClient, unit_id: uuid.UUID, **params: Any
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the unit's log and the next page's cursor."""
    query = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()}
    url = f"{admin.base_url}/api/v1/units/{unit_id}/access-log"
    async with admin.session.get(url, headers=admin._headers(), params=query) as resp:
        body = await resp.json()
        assert resp.status == 200, body
        return body, resp.headers.get("X-Next-Before-Id")


def is_postgres(server: Any) -> bool:
    return server.config.database_url.startswith("postgresql")


async def tamper(server: Any, *statements: str) -> None:
    """Change the access log as someone with the database owner's rights could."""
    url = server.config.database_url
    if is_postgres(server):
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("ALTER TABLE access_log DISABLE TRIGGER USER")
            for sql in statements:
                await conn.execute(sql)
            await conn.execute("ALTER TABLE access_log ENABLE TRIGGER USER")
        finally:
            await conn.close()
        return
    path = make_url(url).database
    assert path

    def run() -> None:
        db = sqlite3.connect(path)
        try:
            db.execute("DROP TRIGGER IF EXISTS access_log_no_update")
            db.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
            for sql in statements:
                db.execute(sql)
            db.commit()
        finally:
            db.close()

    await asyncio.to_thread(run)


async def nara_audit_verify(server: Any) -> tuple[int, str]:
    """Run ``nara audit verify`` as its own process against the server's database."""
    env = dict(os.environ)
    env.update(DATABASE_URL=server.config.database_url, NARA_DATA_DIR=str(server.config.data_dir))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "audit",
        "verify",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode()
