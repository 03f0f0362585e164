"""Patientdatalagen in practice: the unit's access log and its review, the patient's own log
extract, spärr and emergency access. Knows nothing of HTTP.

- A unit administrator pages through their own unit's log, filtered by patient, staff member,
  date range and flag; rows of other units never show, whatever the filter.
- Reading the log is itself logged (one row per patient shown).
- Log reviews (systematisk uppföljning) record who reviewed which sample, when, and findings.
- The patient (a guardian for a child under 13) sees which units and staff read their data.
- A spärr keeps one unit's information from other units; emergency access needs a reason,
  lasts :data:`EMERGENCY_HOURS` and every read under it is flagged for the unit's review.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chat import access, audit
from chat.errors import not_found
from chat.models import AccessLogEntry, AccessLogReview, EmergencyAccess, PatientBlock
from chat.presenters import people
from chat.service import Caller, ChatService
from chat.storage import Store
from chat.storage.access_log import LogFilter
from chat.views import (
    AccessLogPage,
    AccessLogView,
    BlockView,
    LogReviewList,
    LogReviewView,
    PatientLogEntry,
    PatientLogPage,
    ThreadView,
)

EMERGENCY_HOURS = 2
MAX_PAGE = 1000


@dataclass(frozen=True)
class LogQuery:
    patient_id: uuid.UUID | None = None
    staff_user_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    flagged: bool | None = None

    def sample(self) -> dict[str, Any]:
        """The filter as stored with a review."""
        return {
            "patient_id": str(self.patient_id) if self.patient_id else None,
            "staff_user_id": str(self.staff_user_id) if self.staff_user_id else None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "flagged": self.flagged,
        }


class PdlService:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.db = chat.db

    # -- the unit's access log -------------------------------------------------------------

    async def unit_log(
        self,
        caller: Caller,
        unit_id: uuid.UUID,
        query: LogQuery,
        *,
        before_id: int | None = None,
        limit: int = 100,
    ) -> AccessLogPage:
        units = access.log_scope(caller.actor, unit_id)
        limit = max(1, min(limit, MAX_PAGE))
        async with self.db.write() as store:
            rows = await store.access_log.page(
                _filter(units, query), before_id=before_id, limit=limit + 1
            )
            more = len(rows) > limit
            rows = rows[:limit]
            views = await self._views(store, rows)
            await self._log_shown(store, caller, unit_id, rows)
        return AccessLogPage(entries=views, next_before_id=rows[-1].id if more else None)

    async def add_review(
        self, caller: Caller, unit_id: uuid.UUID, query: LogQuery, findings: str
    ) -> LogReviewView:
        units = access.log_scope(caller.actor, unit_id)
        async with self.db.write() as store:
            f = _filter(units, query)
            review = AccessLogReview(
                id=uuid.uuid4(),
                unit_id=unit_id,
                reviewer_id=caller.actor.user_id,
                at=self.chat.clock(),
                sample=query.sample(),
                row_count=await store.access_log.count(f),
                flagged_ids=await store.access_log.flagged_ids(f),
                findings=findings,
            )
            store.access_log.add_review(review)
            return (await self._review_views(store, [review]))[0]

    async def reviews(self, caller: Caller, unit_id: uuid.UUID) -> LogReviewList:
        units = access.log_scope(caller.actor, unit_id)
        async with self.db.write() as store:
            reviews = await store.access_log.reviews(unit_id)
            covered = {i for r in reviews for i in r.flagged_ids}
            flagged = await store.access_log.page(
                LogFilter(unit_ids=units, flagged=True), limit=MAX_PAGE
            )
            views = await self._views(store, flagged)
            for v in views:
                v.reviewed = v.id in covered
            await self._log_shown(store, caller, unit_id, flagged)
            return LogReviewList(reviews=await self._review_views(store, reviews), flagged=views)

    # -- the patient's own extract ---------------------------------------------------------

    async def patient_log(
        self,
        caller: Caller,
        patient_id: uuid.UUID,
        *,
        before_id: int | None = None,
        limit: int = 100,
    ) -> PatientLogPage:
        access.require_patient_side(caller.actor, patient_id)
        limit = max(1, min(limit, MAX_PAGE))
        async with self.db.read() as store:
            rows = await store.access_log.for_patient(
                patient_id, before_id=before_id, limit=limit + 1
            )
            more = len(rows) > limit
            rows = rows[:limit]
            entries = await self._extract(store, rows)
        return PatientLogPage(entries=entries, next_before_id=rows[-1].id if more else None)

    async def patient_log_all(
        self, caller: Caller, patient_id: uuid.UUID
    ) -> tuple[str, list[PatientLogEntry]]:
        """Every row (for the PDF), newest first, and the patient's name."""
        access.require_patient_side(caller.actor, patient_id)
        out: list[PatientLogEntry] = []
        before: int | None = None
        async with self.db.read() as store:
            patient = await store.directory.patient(patient_id)
            assert patient is not None  # in the caller's scope, so it exists
            while True:
                rows = await store.access_log.for_patient(
                    patient_id, before_id=before, limit=MAX_PAGE
                )
                out.extend(await self._extract(store, rows))
                if len(rows) < MAX_PAGE:
                    return patient.name, out
                before = rows[-1].id

    # -- spärr -----------------------------------------------------------------------------

    async def blocks(self, caller: Caller, patient_id: uuid.UUID) -> list[BlockView]:
        access.require_patient_side(caller.actor, patient_id)
        async with self.db.read() as store:
            return await self._block_views(store, patient_id)

    async def set_block(
        self, caller: Caller, patient_id: uuid.UUID, unit_id: uuid.UUID, blocked: bool
    ) -> list[BlockView]:
        """Block (or lift the block of) one unit's information from every other unit."""
        access.require_patient_side(caller.actor, patient_id)
        async with self.db.write() as store:
            units = {u.id for u in await store.privacy.patient_units(patient_id)}
            if unit_id not in units:
                raise not_found("care unit")
            now = self.chat.clock()
            if blocked and not await store.privacy.is_blocked(patient_id, unit_id):
                store.privacy.add_block(
                    PatientBlock(
                        id=uuid.uuid4(),
                        patient_id=patient_id,
                        unit_id=unit_id,
                        created_by=caller.actor.user_id,
                        created_at=now,
                    )
                )
            elif not blocked:
                await store.privacy.lift_block(patient_id, unit_id, caller.actor.user_id, now)
            await store.session.flush()
            return await self._block_views(store, patient_id)

    async def emergency_access(
        self, caller: Caller, thread_id: uuid.UUID, reason: str
    ) -> ThreadView:
        """Nödöppning of a blocked thread: stated reason, flagged in the unit's log."""
        async with self.db.write() as store:
            scope = access.require_emergency_access(
                caller.actor, await store.threads.scope(thread_id), reason
            )
            now = self.chat.clock()
            store.privacy.add_override(
                EmergencyAccess(
                    id=uuid.uuid4(),
                    staff_user_id=caller.actor.user_id,
                    patient_id=scope.patient_id,
                    unit_id=scope.unit_id,
                    thread_id=thread_id,
                    reason=reason.strip(),
                    at=now,
                    expires_at=now + timedelta(hours=EMERGENCY_HOURS),
                )
            )
            view = await self.chat.thread_view_for(store, caller.actor, thread_id)
            entry = audit.Access(
                scope.patient_id,
                scope.unit_id,
                "emergency_access",
                thread_id=thread_id,
                flagged=True,
                reason=reason.strip(),
            )
            await audit.record(store, caller.actor, caller.remote_addr, [entry], now)
            return view

    # -- internals -------------------------------------------------------------------------

    async def _views(self, store: Store, rows: list[AccessLogEntry]) -> list[AccessLogView]:
        staff = await people(store, {r.staff_user_id for r in rows})
        patients = await store.privacy.patients({r.patient_id for r in rows})
        return [
            AccessLogView(
                id=r.id,
                staff_user_id=r.staff_user_id,
                patient_id=r.patient_id,
                thread_id=r.thread_id,
                action=r.action,
                remote_addr=r.remote_addr,
                at=r.at,
                unit_id=r.unit_id,
                unit_seq=r.unit_seq,
                staff=staff.get(r.staff_user_id),
                patient_name=p.name if (p := patients.get(r.patient_id)) else None,
                flagged=r.flagged,
                reason=r.reason,
            )
            for r in rows
        ]

    async def _log_shown(
        self, store: Store, caller: Caller, unit_id: uuid.UUID, rows: list[AccessLogEntry]
    ) -> None:
        """The administrator saw these patients' log rows: that is a read too."""
        shown = sorted({r.patient_id for r in rows}, key=str)
        entries = [audit.Access(p, unit_id, "access_log.read") for p in shown]
        await audit.record(store, caller.actor, caller.remote_addr, entries, self.chat.clock())

    async def _review_views(
        self, store: Store, reviews: list[AccessLogReview]
    ) -> list[LogReviewView]:
        who = await people(store, {r.reviewer_id for r in reviews})
        return [
            LogReviewView(
                id=r.id,
                unit_id=r.unit_id,
                reviewer=who.get(r.reviewer_id),
                at=r.at,
                sample=dict(r.sample),
                row_count=r.row_count,
                flagged_ids=list(r.flagged_ids),
                findings=r.findings,
            )
            for r in reviews
        ]

    async def _extract(self, store: Store, rows: list[AccessLogEntry]) -> list[PatientLogEntry]:
        staff = await people(store, {r.staff_user_id for r in rows})
        units = await store.privacy.units([r.unit_id for r in rows if r.unit_id])
        out = []
        for r in rows:
            person = staff.get(r.staff_user_id)
            unit = units.get(r.unit_id) if r.unit_id else None
            out.append(
                PatientLogEntry(
                    at=r.at,
                    unit_id=r.unit_id,
                    unit_name=unit.name if unit else "",
                    staff_name=person.name if person else "",
                    profession=person.profession if person else None,
                    action=r.action,
                    emergency=r.flagged,
                )
            )
        return out

    async def _block_views(self, store: Store, patient_id: uuid.UUID) -> list[BlockView]:
        active = {b.unit_id: b for b in await store.privacy.blocks(patient_id)}
        return [
            BlockView(
                unit_id=u.id,
                unit_name=u.name,
                blocked=u.id in active,
                since=active[u.id].created_at if u.id in active else None,
            )
            for u in await store.privacy.patient_units(patient_id)
        ]


def _filter(units: list[uuid.UUID], q: LogQuery) -> LogFilter:
    return LogFilter(
        unit_ids=units,
        patient_id=q.patient_id,
        staff_user_id=q.staff_user_id,
        since=q.since,
        until=q.until,
        flagged=q.flagged,
    )
