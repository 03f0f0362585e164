"""The access log (Patientdatalagen 4 kap. 3 §, HSLF-FS 2016:40 4 kap. 9 §): the one writer of
its rows, their tamper-evident chain, and the verification of that chain.

Every staff read of patient data goes through :func:`record`. Rows are chained per care unit:
each carries ``unit_seq`` (1, 2, … without gaps), ``prev_hash`` (the previous row's hash, or
64 zeros) and ``row_hash`` = SHA-256 over :func:`canonical` of the row. A changed, removed or
reordered row breaks the chain; a removed tail is seen against ``access_log_heads``.
No personal data is logged here: only ids go into the table, nothing to the process log.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chat.access import Actor

if TYPE_CHECKING:
    from chat.storage import Database, Store

GENESIS = "0" * 64
FORMAT = "nara-access-log/1"
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass(frozen=True)
class Access:
    """One read to record: whose data (patient), whose log (care unit), what was done."""

    patient_id: uuid.UUID
    unit_id: uuid.UUID
    action: str
    thread_id: uuid.UUID | None = None
    # An emergency override of a spärr: the row is shown to the unit's log review.
    flagged: bool = False
    reason: str | None = None


def canonical_time(at: datetime | str) -> str:
    """UTC with microseconds. A string is the raw SQLite value ('YYYY-MM-DD HH:MM:SS.ffffff',
    stored in UTC), as the verifier reads it without type conversion."""
    if isinstance(at, str):
        return at.replace(" ", "T", 1) + "Z"
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _s(value: object) -> str | None:
    """UUIDs with dashes; a 32-digit hex string is the raw SQLite form of one."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 32:
            return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
        return value
    return str(value)


def canonical(row: Mapping[str, Any]) -> bytes:
    """The row as hashed: a JSON array in a fixed order, UUIDs with dashes, UTC microseconds."""
    return _ENCODE(
        [
            FORMAT,
            _s(row["unit_id"]),
            int(row["unit_seq"]),
            canonical_time(row["at"]),
            _s(row["staff_user_id"]),
            _s(row["patient_id"]),
            _s(row["thread_id"]),
            row["action"],
            row["remote_addr"],
            bool(row["flagged"]),
            row["reason"],
            row["prev_hash"],
        ]
    ).encode()


def digest(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


async def record(
    store: Store,
    actor: Actor,
    remote_addr: str | None,
    accesses: Iterable[Access],
    at: datetime,
) -> None:
    """Write access-log rows for a staff member's read (patients' own reads are not logged).

    Call it last in the transaction: it takes each unit's chain head lock (in a fixed order)
    and holds it until commit.
    """
    if not actor.is_staff:
        return
    by_unit: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for a in accesses:
        by_unit.setdefault(a.unit_id, []).append(
            {
                "staff_user_id": actor.user_id,
                "patient_id": a.patient_id,
                "thread_id": a.thread_id,
                "action": a.action,
                "remote_addr": remote_addr,
                "at": at,
                "flagged": a.flagged,
                "reason": a.reason,
            }
        )
    for unit_id in sorted(by_unit, key=str):
        await store.access_log.append_chained(unit_id, by_unit[unit_id], digest)


# -- verification ---------------------------------------------------------------------------


@dataclass
class Problem:
    row_id: int | None
    unit_id: uuid.UUID | None
    unit_seq: int | None
    what: str

    def __str__(self) -> str:
        where = f"row id={self.row_id}" if self.row_id is not None else "end of chain"
        return f"{where} (unit {self.unit_id}, seq {self.unit_seq}): {self.what}"


@dataclass
class Verification:
    rows: int = 0
    units: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify_rows(
    rows: AsyncIterator[Mapping[Any, Any]], heads: dict[uuid.UUID, tuple[int, str]]
) -> Verification:
    """Check rows ordered by (unit_id, unit_seq); report the first bad row of each unit."""
    result = Verification()
    unit: uuid.UUID | None = None
    first = True
    expected_seq, prev_hash, last_id = 1, GENESIS, -1
    broken = False
    seen_units: set[uuid.UUID | None] = set()

    def close_unit() -> None:
        if first or broken:
            return
        head = heads.get(unit) if unit is not None else None
        if unit is not None and head != (expected_seq - 1, prev_hash):
            result.problems.append(
                Problem(None, unit, expected_seq - 1, "rows at the end of the chain are missing")
            )

    raw_unit: object = None
    async for row in rows:
        if first or row["unit_id"] != raw_unit:
            close_unit()
            raw_unit, first, broken = row["unit_id"], False, False
            unit = uuid.UUID(_s(raw_unit)) if raw_unit is not None else None
            expected_seq, prev_hash, last_id = 1, GENESIS, -1
            seen_units.add(unit)
            result.units += 1
        result.rows += 1
        if broken:
            continue
        what = None
        if row["unit_seq"] is None or row["row_hash"] is None:
            what = "the row is not chained"
        elif row["unit_seq"] != expected_seq:
            what = f"expected seq {expected_seq}: a row was removed or the rows were reordered"
        elif row["prev_hash"] != prev_hash:
            what = "prev_hash does not match the previous row: a row was removed or changed"
        elif digest(row) != row["row_hash"]:
            what = "row_hash does not match the row: the row was changed"
        elif row["id"] <= last_id:
            what = "ids are out of order: the rows were reordered"
        if what is not None:
            result.problems.append(Problem(row["id"], unit, row["unit_seq"], what))
            broken = True
            continue
        expected_seq, prev_hash, last_id = expected_seq + 1, row["row_hash"], row["id"]
    close_unit()
    for head_unit, (seq, _) in sorted(heads.items(), key=lambda h: str(h[0])):
        if head_unit not in seen_units and seq > 0:
            result.problems.append(Problem(None, head_unit, seq, "every row of the unit is gone"))
    return result


async def verify(db: Database) -> Verification:
    """Read the whole log once, streamed, and check every unit's chain."""
    async with db.read() as store:
        heads = await store.access_log.heads()
        return await verify_rows(store.access_log.chain(), heads)
