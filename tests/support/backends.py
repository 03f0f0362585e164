"""Databases for tests: a migrated template with the demo loaded, copied fresh for each test.

Embedded defaults: SQLite files. With ``DATABASE_URL`` set (PostgreSQL): ``CREATE DATABASE ...
TEMPLATE``. ``REDIS_URL`` switches live delivery to Redis (a channel of its own per test).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url

from chat.storage import Database
from server.demo import DEMO_PASSWORD, DemoIds, load_demo
from server.migrate import upgrade

PG_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")


@dataclass
class Template:
    kind: str  # "sqlite" or "postgresql"
    source: str  # file path or database name
    demo: DemoIds


def pg_url_for(name: str, base: str = "") -> str:
    url = make_url(base or PG_URL).set(drivername="postgresql+asyncpg", database=name)
    return url.render_as_string(hide_password=False)


def _admin_dsn(base: str = "") -> str:
    url = make_url(base or PG_URL).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


async def pg_admin(sql: str, base: str = "") -> None:
    conn = await asyncpg.connect(_admin_dsn(base))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def fast_demo_hash() -> str:
    """The demo password hashed with argon2's cheapest parameters (about a millisecond to
    verify instead of a fifth of a second): for the quick run only (tests/conftest.py)."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(DEMO_PASSWORD)


def build_template(tmp: Path, *, fast_passwords: bool = False) -> Template:
    if PG_URL:
        name = f"nara_tpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
        url = pg_url_for(name)
        kind, source = "postgresql", name
    else:
        path = tmp / "template.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        kind, source = "sqlite", str(path)
    upgrade(url)
    demo = asyncio.run(_load(url, fast_demo_hash() if fast_passwords else None))
    return Template(kind, source, demo)


async def _load(url: str, password_hash: str | None) -> DemoIds:
    db = Database(url)
    try:
        ids = await load_demo(db, password_hash=password_hash)
        assert ids is not None
        return ids
    finally:
        await db.dispose()


async def fresh_database(template: Template, tmp: Path) -> tuple[str, str]:
    """A copy of the template: (SQLAlchemy URL, name to drop afterwards)."""
    if template.kind == "sqlite":
        path = tmp / f"nara-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(template.source, path)
        return f"sqlite+aiosqlite:///{path}", str(path)
    name = f"nara_t_{uuid.uuid4().hex[:12]}"
    await pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.source}"')
    return pg_url_for(name), name


async def drop_database(template: Template, name: str) -> None:
    if template.kind == "postgresql":
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_template(template: Template) -> None:
    if template.kind == "postgresql":
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{template.source}" WITH (FORCE)'))
