"""The access log (Patientdatalagen): chained inserts and reads, nothing else; rows are never
changed (database triggers refuse UPDATE, DELETE and, on SQLite, INSERT OR REPLACE)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, type_coerce, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.sqltypes import NullType

from chat.models import AccessLogEntry, AccessLogHead, AccessLogReview

GENESIS = "0" * 64
# Read for verification without type conversion (1 million rows): UUIDs and times come as
# the driver gives them (SQLite: hex and text), chat.audit.canonical accepts both.
_RAW = (
    AccessLogEntry.unit_id,
    AccessLogEntry.at,
    AccessLogEntry.staff_user_id,
    AccessLogEntry.patient_id,
    AccessLogEntry.thread_id,
)
CHAIN_COLUMNS = (
    AccessLogEntry.id,
    AccessLogEntry.unit_seq,
    AccessLogEntry.action,
    AccessLogEntry.remote_addr,
    AccessLogEntry.flagged,
    AccessLogEntry.reason,
    AccessLogEntry.prev_hash,
    AccessLogEntry.row_hash,
    *(type_coerce(c, NullType()).label(c.key) for c in _RAW),
)


@dataclass(frozen=True)
class LogFilter:
    """Which rows of a unit's log: every field narrows; None means any."""

    unit_ids: Sequence[uuid.UUID]
    patient_id: uuid.UUID | None = None
    staff_user_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    flagged: bool | None = None


class AccessLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def _dialect(self) -> str:
        return self.s.get_bind().dialect.name

    async def append_chained(
        self,
        unit_id: uuid.UUID,
        rows: list[dict[str, Any]],
        digest: Callable[[Mapping[str, Any]], str],
    ) -> None:
        """Append rows to the unit's chain. The head row is locked until commit, so writers of
        one unit follow each other (on SQLite the one writer lock does that)."""
        if not rows:
            return
        ins = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        await self.s.execute(
            ins(AccessLogHead)
            .values(unit_id=unit_id, last_seq=0, last_hash=GENESIS)
            .on_conflict_do_nothing()
        )
        head = (
            await self.s.execute(
                select(AccessLogHead.last_seq, AccessLogHead.last_hash)
                .where(AccessLogHead.unit_id == unit_id)
                .with_for_update()
            )
        ).one()
        seq, prev = int(head[0]), str(head[1])
        values = []
        for row in rows:
            seq += 1
            chained = {**row, "unit_id": unit_id, "unit_seq": seq, "prev_hash": prev}
            chained["row_hash"] = prev = digest(chained)
            values.append(chained)
        await self.s.execute(insert(AccessLogEntry), values)
        await self.s.execute(
            update(AccessLogHead)
            .where(AccessLogHead.unit_id == unit_id)
            .values(last_seq=seq, last_hash=prev)
        )

    # -- reading -------------------------------------------------------------------------

    def _where(self, f: LogFilter) -> list[ColumnElement[bool]]:
        c: list[ColumnElement[bool]] = [AccessLogEntry.unit_id.in_(set(f.unit_ids))]
        if f.patient_id is not None:
            c.append(AccessLogEntry.patient_id == f.patient_id)
        if f.staff_user_id is not None:
            c.append(AccessLogEntry.staff_user_id == f.staff_user_id)
        if f.since is not None:
            c.append(AccessLogEntry.at >= f.since)
        if f.until is not None:
            c.append(AccessLogEntry.at < f.until)
        if f.flagged is not None:
            c.append(AccessLogEntry.flagged.is_(f.flagged))
        return c

    async def page(
        self, f: LogFilter, *, before_id: int | None = None, limit: int = 100
    ) -> list[AccessLogEntry]:
        """Newest first; the next page starts below the last id returned."""
        q = select(AccessLogEntry).where(*self._where(f))
        if before_id is not None:
            q = q.where(AccessLogEntry.id < before_id)
        rows = await self.s.scalars(q.order_by(AccessLogEntry.id.desc()).limit(limit))
        return list(rows)

    async def count(self, f: LogFilter) -> int:
        n = await self.s.scalar(
            select(func.count()).select_from(AccessLogEntry).where(*self._where(f))
        )
        return int(n or 0)

    async def flagged_ids(self, f: LogFilter, limit: int = 10_000) -> list[int]:
        q = (
            select(AccessLogEntry.id)
            .where(*self._where(f), AccessLogEntry.flagged.is_(True))
            .order_by(AccessLogEntry.id)
            .limit(limit)
        )
        return [int(i) for i in await self.s.scalars(q)]

    async def for_patient(
        self, patient_id: uuid.UUID, *, before_id: int | None = None, limit: int = 100
    ) -> list[AccessLogEntry]:
        """Every unit's rows about one patient (the patient's own log extract)."""
        q = select(AccessLogEntry).where(AccessLogEntry.patient_id == patient_id)
        if before_id is not None:
            q = q.where(AccessLogEntry.id < before_id)
        return list(await self.s.scalars(q.order_by(AccessLogEntry.id.desc()).limit(limit)))

    # -- verification ----------------------------------------------------------------------

    async def heads(self) -> dict[uuid.UUID, tuple[int, str]]:
        rows = await self.s.execute(
            select(AccessLogHead.unit_id, AccessLogHead.last_seq, AccessLogHead.last_hash)
        )
        return {u: (int(s), str(h)) for u, s, h in rows}

    async def chain(self, batch: int = 5000) -> AsyncIterator[Mapping[Any, Any]]:
        """Every row in chain order, streamed."""
        result = await self.s.stream(
            select(*CHAIN_COLUMNS)
            .order_by(AccessLogEntry.unit_id, AccessLogEntry.unit_seq, AccessLogEntry.id)
            .execution_options(yield_per=batch)
        )
        async for part in result.mappings().partitions(batch):
            for row in part:
                yield row

    # -- log reviews -----------------------------------------------------------------------

    def add_review(self, review: AccessLogReview) -> None:
        self.s.add(review)

    async def reviews(self, unit_id: uuid.UUID, limit: int = 200) -> list[AccessLogReview]:
        rows = await self.s.scalars(
            select(AccessLogReview)
            .where(AccessLogReview.unit_id == unit_id)
            .order_by(AccessLogReview.at.desc())
            .limit(limit)
        )
        return list(rows)
