"""How long `nara audit verify` takes: fill a scratch SQLite database with chained access-log
rows (default 1,000,000 in 4 units), then time the real command as its own process.

    .venv/bin/python bench/audit_verify.py [--rows 1000000] [--units 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chat.audit import GENESIS, digest  # noqa: E402
from chat.storage import Database  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402

ACTIONS = ("threads.list", "thread.read", "messages.read", "attachment.download")


def fill(path: Path, rows: int, units: int) -> None:
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)

    async def demo() -> None:
        db = Database(url)
        try:
            await load_demo(db)
        finally:
            await db.dispose()

    asyncio.run(demo())
    db = sqlite3.connect(path)
    staff = [uuid.UUID(hex=r[0]) for r in db.execute("SELECT user_id FROM staff_members")]
    patients = [uuid.UUID(hex=r[0]) for r in db.execute("SELECT id FROM patients")]
    unit_ids = [uuid.UUID(hex=r[0]) for r in db.execute("SELECT id FROM care_units")][:units]
    if len(unit_ids) < units:  # the demo has three units: add the rest
        org = db.execute("SELECT id FROM organisations LIMIT 1").fetchone()[0]
        for n in range(units - len(unit_ids)):
            extra = uuid.uuid4()
            db.execute(
                "INSERT INTO care_units (id, organisation_id, name, kind) VALUES (?, ?, ?, ?)",
                (extra.hex, org, f"Bench {n}", "mottagning"),
            )
            unit_ids.append(extra)
    start = datetime(2021, 1, 1, tzinfo=UTC)
    heads = {u: (0, GENESIS) for u in unit_ids}
    batch: list[tuple[object, ...]] = []
    sql = (
        "INSERT INTO access_log (staff_user_id, patient_id, thread_id, action, remote_addr, at, "
        "unit_id, unit_seq, flagged, reason, prev_hash, row_hash) "
        "VALUES (?, ?, NULL, ?, ?, ?, ?, ?, 0, NULL, ?, ?)"
    )
    for i in range(rows):
        unit = unit_ids[i % len(unit_ids)]
        seq, prev = heads[unit]
        at = start + timedelta(seconds=i * 7, microseconds=i % 1_000_000)
        row = {
            "unit_id": unit,
            "unit_seq": seq + 1,
            "at": at,
            "staff_user_id": staff[i % len(staff)],
            "patient_id": patients[i % len(patients)],
            "thread_id": None,
            "action": ACTIONS[i % len(ACTIONS)],
            "remote_addr": f"10.0.{i % 250}.{i % 200}",
            "flagged": False,
            "reason": None,
            "prev_hash": prev,
        }
        h = digest(row)
        heads[unit] = (seq + 1, h)
        batch.append(
            (
                row["staff_user_id"].hex,  # type: ignore[attr-defined]
                row["patient_id"].hex,  # type: ignore[attr-defined]
                row["action"],
                row["remote_addr"],
                at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                unit.hex,
                seq + 1,
                prev,
                h,
            )
        )
        if len(batch) >= 20_000:
            db.executemany(sql, batch)
            batch.clear()
    db.executemany(sql, batch)
    for unit, (seq, last) in heads.items():
        db.execute(
            "INSERT INTO access_log_heads (unit_id, last_seq, last_hash) VALUES (?, ?, ?)",
            (unit.hex, seq, last),
        )
    db.commit()
    db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=4)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nara-audit-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        started = time.perf_counter()
        fill(path, ns.rows, ns.units)
        filled = time.perf_counter() - started
        size = path.stat().st_size / 2**20
        print(f"filled {ns.rows:,} rows in {ns.units} units: {filled:.1f} s, {size:.0f} MB")
        env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{path}", NARA_DATA_DIR=tmp)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", "audit", "verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        print(done.stdout.strip())
        print(
            f"nara audit verify: exit {done.returncode}, {seconds:.1f} s wall "
            f"(process start included), {ns.rows / seconds:,.0f} rows/s"
        )
        return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
