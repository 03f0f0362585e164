"""Spärr (blocks), emergency overrides and the facts of a care relation (Patientdatalagen)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.access import CareRelation
from chat.models import (
    CareContact,
    CareContactMember,
    CareUnit,
    EmergencyAccess,
    Patient,
    PatientBlock,
    Team,
    Thread,
    ThreadParticipant,
    UnitMembership,
    utcnow,
)


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # -- spärr -----------------------------------------------------------------------------

    async def is_blocked(self, patient_id: uuid.UUID, unit_id: uuid.UUID) -> bool:
        found = await self.s.scalar(
            select(PatientBlock.id)
            .where(
                PatientBlock.patient_id == patient_id,
                PatientBlock.unit_id == unit_id,
                PatientBlock.lifted_at.is_(None),
            )
            .limit(1)
        )
        return found is not None

    async def block_facts(
        self, patient_id: uuid.UUID, unit_id: uuid.UUID, participant_ids: Sequence[uuid.UUID]
    ) -> tuple[bool, frozenset[uuid.UUID], frozenset[uuid.UUID]]:
        """(blocked, participants who are staff of the unit, staff with an open override)."""
        if not await self.is_blocked(patient_id, unit_id):
            return False, frozenset(), frozenset()
        members: frozenset[uuid.UUID] = frozenset()
        if participant_ids:
            members = frozenset(
                await self.s.scalars(
                    select(UnitMembership.staff_id).where(
                        UnitMembership.unit_id == unit_id,
                        UnitMembership.staff_id.in_(set(participant_ids)),
                    )
                )
            )
        overrides = frozenset(
            await self.s.scalars(
                select(EmergencyAccess.staff_user_id).where(
                    EmergencyAccess.patient_id == patient_id,
                    EmergencyAccess.unit_id == unit_id,
                    EmergencyAccess.expires_at > utcnow(),
                )
            )
        )
        return True, members, overrides

    async def blocks(self, patient_id: uuid.UUID) -> list[PatientBlock]:
        rows = await self.s.scalars(
            select(PatientBlock)
            .where(PatientBlock.patient_id == patient_id, PatientBlock.lifted_at.is_(None))
            .order_by(PatientBlock.created_at)
        )
        return list(rows)

    def add_block(self, block: PatientBlock) -> None:
        self.s.add(block)

    async def lift_block(
        self, patient_id: uuid.UUID, unit_id: uuid.UUID, by: uuid.UUID, at: datetime
    ) -> bool:
        result = await self.s.execute(
            update(PatientBlock)
            .where(
                PatientBlock.patient_id == patient_id,
                PatientBlock.unit_id == unit_id,
                PatientBlock.lifted_at.is_(None),
            )
            .values(lifted_at=at, lifted_by=by)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def patient_units(self, patient_id: uuid.UUID) -> list[CareUnit]:
        """Care units that hold the patient's information: the unit they are listed at and the
        units of teams with a thread for them."""
        unit_ids = set(
            await self.s.scalars(
                select(Team.unit_id)
                .join(Thread, Thread.team_id == Team.id)
                .where(Thread.patient_id == patient_id)
            )
        )
        listed = await self.s.scalar(select(Patient.unit_id).where(Patient.id == patient_id))
        if listed is not None:
            unit_ids.add(listed)
        if not unit_ids:
            return []
        rows = await self.s.scalars(
            select(CareUnit).where(CareUnit.id.in_(unit_ids)).order_by(CareUnit.name)
        )
        return list(rows)

    # -- emergency overrides ---------------------------------------------------------------

    def add_override(self, row: EmergencyAccess) -> None:
        self.s.add(row)

    # -- care relation ---------------------------------------------------------------------

    async def care_relation(self, patient_id: uuid.UUID) -> CareRelation | None:
        patient = await self.s.get(Patient, patient_id)
        if patient is None:
            return None
        thread_teams = set(
            await self.s.scalars(select(Thread.team_id).where(Thread.patient_id == patient_id))
        )
        participants = set(
            await self.s.scalars(
                select(ThreadParticipant.user_id)
                .join(Thread, Thread.id == ThreadParticipant.thread_id)
                .where(Thread.patient_id == patient_id)
            )
        )
        contacts = list(
            await self.s.scalars(select(CareContact).where(CareContact.patient_id == patient_id))
        )
        contact_teams = {c.team_id for c in contacts if c.team_id is not None}
        people = participants | {c.coordinator_id for c in contacts if c.coordinator_id}
        if contacts:
            people |= set(
                await self.s.scalars(
                    select(CareContactMember.staff_id).where(
                        CareContactMember.care_contact_id.in_({c.id for c in contacts})
                    )
                )
            )
        return CareRelation(
            patient_id=patient_id,
            listed_unit_id=patient.unit_id,
            team_ids=frozenset(thread_teams | contact_teams),
            people_ids=frozenset(people),
        )

    async def patients_of_users(self, user_ids: Sequence[uuid.UUID]) -> list[Patient]:
        if not user_ids:
            return []
        return list(await self.s.scalars(select(Patient).where(Patient.user_id.in_(user_ids))))

    async def patients(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, Patient]:
        if not ids:
            return {}
        return {p.id: p for p in await self.s.scalars(select(Patient).where(Patient.id.in_(ids)))}

    async def units(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CareUnit]:
        if not ids:
            return {}
        rows = await self.s.scalars(select(CareUnit).where(CareUnit.id.in_(set(ids))))
        return {u.id: u for u in rows}
