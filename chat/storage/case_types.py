"""Case types, their versions and answers, invånarärenden, consultations, standard answers,
and the searches staff make (colleagues, patients, the inbox)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, column, func, or_, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.case_types.models import (
    CaseAnswer,
    CaseRequest,
    CaseType,
    CaseTypeVersion,
    Consultation,
    RequestState,
    StandardAnswer,
    UnitPhoneHours,
)
from chat.models import (
    CareContact,
    CareUnit,
    Organisation,
    Patient,
    StaffMember,
    Team,
    Thread,
    ThreadParticipant,
    UnitMembership,
    User,
    UserKind,
)

# signaling owns the meetings table; only its thread is read here.
_meetings = table("meetings", column("id"), column("thread_id"))
SEARCH_LIMIT = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class CaseTypeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, *rows: object) -> None:
        self.s.add_all(rows)

    async def flush(self) -> None:
        await self.s.flush()

    # -- case types ------------------------------------------------------------------------

    async def case_type(self, case_type_id: uuid.UUID) -> CaseType | None:
        return await self.s.get(CaseType, case_type_id)

    async def key_taken(self, unit_id: uuid.UUID, key: str) -> bool:
        found = await self.s.scalar(
            select(CaseType.id).where(CaseType.unit_id == unit_id, CaseType.key == key)
        )
        return found is not None

    async def current(
        self, unit_ids: Sequence[uuid.UUID], *, active_only: bool
    ) -> list[tuple[CaseType, CaseTypeVersion]]:
        if not unit_ids:
            return []
        q = (
            select(CaseType, CaseTypeVersion)
            .join(
                CaseTypeVersion,
                and_(
                    CaseTypeVersion.case_type_id == CaseType.id,
                    CaseTypeVersion.version == CaseType.current_version,
                ),
            )
            .where(CaseType.unit_id.in_(set(unit_ids)))
            .order_by(CaseTypeVersion.name)
        )
        if active_only:
            q = q.where(CaseType.active.is_(True))
        return [(c, v) for c, v in (await self.s.execute(q)).all()]

    async def version(self, case_type_id: uuid.UUID, number: int) -> CaseTypeVersion | None:
        return await self.s.scalar(
            select(CaseTypeVersion).where(
                CaseTypeVersion.case_type_id == case_type_id, CaseTypeVersion.version == number
            )
        )

    async def version_by_id(self, version_id: uuid.UUID) -> CaseTypeVersion | None:
        return await self.s.get(CaseTypeVersion, version_id)

    async def versions(self, case_type_id: uuid.UUID) -> list[CaseTypeVersion]:
        rows = await self.s.scalars(
            select(CaseTypeVersion)
            .where(CaseTypeVersion.case_type_id == case_type_id)
            .order_by(CaseTypeVersion.version)
        )
        return list(rows)

    async def bump_version(self, case_type_id: uuid.UUID, at: datetime) -> int:
        """Take the next version number; the row lock serialises concurrent edits."""
        number = await self.s.scalar(
            update(CaseType)
            .where(CaseType.id == case_type_id)
            .values(current_version=CaseType.current_version + 1, updated_at=at)
            .returning(CaseType.current_version)
        )
        assert number is not None
        return int(number)

    # -- answers and requests --------------------------------------------------------------

    async def answer(self, thread_id: uuid.UUID) -> CaseAnswer | None:
        return await self.s.get(CaseAnswer, thread_id)

    async def request(self, request_id: uuid.UUID) -> CaseRequest | None:
        return await self.s.get(CaseRequest, request_id)

    async def request_for_thread(self, thread_id: uuid.UUID) -> CaseRequest | None:
        return await self.s.scalar(select(CaseRequest).where(CaseRequest.thread_id == thread_id))

    async def requests_for_patients(self, patient_ids: Sequence[uuid.UUID]) -> list[CaseRequest]:
        if not patient_ids:
            return []
        rows = await self.s.scalars(
            select(CaseRequest)
            .where(
                CaseRequest.patient_id.in_(set(patient_ids)),
                CaseRequest.state != RequestState.CANCELLED,
            )
            .order_by(CaseRequest.created_at.desc())
            .limit(200)
        )
        return list(rows)

    async def claim_answer(self, request_id: uuid.UUID, at: datetime) -> bool:
        """Sent → answered once (a second answer finds nothing to change)."""
        result = await self.s.execute(
            update(CaseRequest)
            .where(CaseRequest.id == request_id, CaseRequest.state == RequestState.SENT)
            .values(state=RequestState.ANSWERED, answered_at=at, remind_at=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def due_reminders(self, now: datetime, limit: int) -> list[CaseRequest]:
        rows = await self.s.scalars(
            select(CaseRequest)
            .where(CaseRequest.state == RequestState.SENT, CaseRequest.remind_at <= now)
            .order_by(CaseRequest.remind_at)
            .limit(limit)
        )
        return list(rows)

    async def mark_reminded(self, request_id: uuid.UUID, at: datetime) -> bool:
        result = await self.s.execute(
            update(CaseRequest)
            .where(
                CaseRequest.id == request_id,
                CaseRequest.state == RequestState.SENT,
                CaseRequest.remind_at <= at,
            )
            .values(reminded_at=at, remind_at=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def meeting_thread(self, meeting_id: uuid.UUID) -> uuid.UUID | None:
        """The thread a video meeting belongs to (None: no such meeting or none)."""
        value = await self.s.scalar(
            select(_meetings.c.thread_id).where(_meetings.c.id == meeting_id)
        )
        return uuid.UUID(str(value)) if value is not None else None

    # -- consultations ---------------------------------------------------------------------

    async def consultation(self, thread_id: uuid.UUID) -> Consultation | None:
        return await self.s.get(Consultation, thread_id)

    async def consultations_of(self, source_thread_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(Consultation.thread_id)
            .where(Consultation.source_thread_id == source_thread_id)
            .order_by(Consultation.created_at)
        )
        return list(rows)

    # -- searches --------------------------------------------------------------------------

    async def search_staff(
        self, text: str | None, profession: str | None, unit_id: uuid.UUID | None
    ) -> list[tuple[User, str, CareUnit, Organisation]]:
        """Active staff with each unit they belong to (one row per person and unit)."""
        q = (
            select(User, StaffMember.profession, CareUnit, Organisation)
            .join(StaffMember, StaffMember.user_id == User.id)
            .join(UnitMembership, UnitMembership.staff_id == User.id)
            .join(CareUnit, CareUnit.id == UnitMembership.unit_id)
            .join(Organisation, Organisation.id == CareUnit.organisation_id)
            .where(User.active.is_(True), User.kind == UserKind.STAFF)
            .distinct()
        )
        if text:
            pattern = _like(text)
            q = q.where(
                or_(
                    User.display_name.ilike(pattern, escape="\\"),
                    CareUnit.name.ilike(pattern, escape="\\"),
                    StaffMember.profession.ilike(pattern, escape="\\"),
                )
            )
        if profession:
            q = q.where(StaffMember.profession.ilike(_like(profession), escape="\\"))
        if unit_id is not None:
            q = q.where(CareUnit.id == unit_id)
        q = q.order_by(User.display_name, CareUnit.name).limit(SEARCH_LIMIT)
        return [(u, p, c, o) for u, p, c, o in (await self.s.execute(q)).all()]

    async def search_patients(
        self,
        *,
        unit_ids: Sequence[uuid.UUID],
        team_ids: Sequence[uuid.UUID],
        user_id: uuid.UUID,
        text: str | None,
        personnummer: str | None,
    ) -> list[Patient]:
        """Patients the staff member has a care relation with (chat/access.py), by name or
        exact personnummer: listed at their units, or held by their teams or them."""
        related = [Patient.unit_id.in_(set(unit_ids))] if unit_ids else []
        if team_ids:
            related.append(
                Patient.id.in_(select(Thread.patient_id).where(Thread.team_id.in_(set(team_ids))))
            )
            related.append(
                Patient.id.in_(
                    select(CareContact.patient_id).where(CareContact.team_id.in_(set(team_ids)))
                )
            )
        related.append(
            Patient.id.in_(
                select(Thread.patient_id)
                .join(ThreadParticipant, ThreadParticipant.thread_id == Thread.id)
                .where(ThreadParticipant.user_id == user_id)
            )
        )
        q = select(Patient).where(or_(*related))
        if personnummer:
            q = q.where(Patient.personnummer == personnummer)
        elif text:
            q = q.where(Patient.name.ilike(_like(text), escape="\\"))
        q = q.order_by(Patient.name).limit(SEARCH_LIMIT)
        return list(await self.s.scalars(q))

    async def search_threads(
        self,
        *,
        team_ids: Sequence[uuid.UUID],
        user_id: uuid.UUID,
        text: str | None,
        case_type: str | None,
        status: str | None,
        limit: int = 100,
    ) -> list[Thread]:
        """Threads a staff member sees (their teams', or those they take part in), filtered
        by patient name or subject, case type and status."""
        visible: list[Any] = [
            Thread.id.in_(
                select(ThreadParticipant.thread_id).where(ThreadParticipant.user_id == user_id)
            )
        ]
        if team_ids:
            visible.append(Thread.team_id.in_(set(team_ids)))
        q = select(Thread).join(Patient, Patient.id == Thread.patient_id).where(or_(*visible))
        if text:
            pattern = _like(text)
            q = q.where(
                or_(
                    Patient.name.ilike(pattern, escape="\\"),
                    Thread.subject.ilike(pattern, escape="\\"),
                )
            )
        if case_type:
            q = q.where(Thread.case_type == case_type)
        if status:
            q = q.where(Thread.status == status)
        q = q.order_by(Thread.updated_at.desc()).limit(limit)
        return list(await self.s.scalars(q))

    async def team_units(self, team_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not team_ids:
            return {}
        rows = await self.s.execute(select(Team.id, Team.unit_id).where(Team.id.in_(set(team_ids))))
        return {t: u for t, u in rows}

    async def contact_units(self, patient_id: uuid.UUID) -> set[uuid.UUID]:
        """Units where the patient has a fixed care contact (through its team)."""
        rows = await self.s.scalars(
            select(Team.unit_id)
            .join(CareContact, CareContact.team_id == Team.id)
            .where(CareContact.patient_id == patient_id)
        )
        return set(rows)

    async def contact_in_unit(
        self, patient_id: uuid.UUID, unit_id: uuid.UUID
    ) -> CareContact | None:
        return await self.s.scalar(
            select(CareContact)
            .join(Team, Team.id == CareContact.team_id)
            .where(CareContact.patient_id == patient_id, Team.unit_id == unit_id)
            .order_by(CareContact.response_time_hours)
            .limit(1)
        )

    # -- standard answers ------------------------------------------------------------------

    async def standard_answers(self, unit_ids: Sequence[uuid.UUID]) -> list[StandardAnswer]:
        if not unit_ids:
            return []
        rows = await self.s.scalars(
            select(StandardAnswer)
            .where(StandardAnswer.unit_id.in_(set(unit_ids)))
            .order_by(StandardAnswer.title)
        )
        return list(rows)

    async def standard_answer(self, answer_id: uuid.UUID) -> StandardAnswer | None:
        return await self.s.get(StandardAnswer, answer_id)

    async def delete_standard_answer(self, row: StandardAnswer) -> None:
        await self.s.delete(row)

    async def phone_hours(self, unit_id: uuid.UUID) -> str | None:
        row = await self.s.get(UnitPhoneHours, unit_id)
        return row.text if row is not None else None

    async def set_phone_hours(self, unit_id: uuid.UUID, text: str) -> None:
        row = await self.s.get(UnitPhoneHours, unit_id)
        if row is None:
            self.s.add(UnitPhoneHours(unit_id=unit_id, text=text))
        else:
            row.text = text

    async def count(self, model: type[Any]) -> int:
        return int(await self.s.scalar(select(func.count()).select_from(model)) or 0)
