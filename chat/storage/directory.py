"""Organisations, units, teams, people and fixed care contacts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.access import Actor
from chat.models import (
    CareContact,
    CareContactMember,
    CareUnit,
    Guardianship,
    Patient,
    RoutingRule,
    StaffMember,
    Team,
    UnitMembership,
    User,
    UserKind,
)

GUARDIAN_AGE_LIMIT = 13


def under_age(birth: date, today: date, years: int = GUARDIAN_AGE_LIMIT) -> bool:
    try:
        limit = birth.replace(year=birth.year + years)
    except ValueError:  # born 29 February
        limit = date(birth.year + years, 3, 1)
    return today < limit


class DirectoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, *rows: object) -> None:
        self.s.add_all(rows)

    async def flush(self) -> None:
        await self.s.flush()

    async def user_by_username(self, username: str) -> User | None:
        return await self.s.scalar(select(User).where(User.username == username))

    async def user(self, user_id: uuid.UUID) -> User | None:
        return await self.s.get(User, user_id)

    async def set_active(self, user_id: uuid.UUID, active: bool) -> bool:
        """Turn a login on or off; False when there is no such user."""
        user = await self.s.get(User, user_id)
        if user is None:
            return False
        user.active = active
        return True

    async def users(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
        if not ids:
            return {}
        rows = await self.s.scalars(select(User).where(User.id.in_(set(ids))))
        return {u.id: u for u in rows}

    async def staff(self, user_id: uuid.UUID) -> StaffMember | None:
        return await self.s.get(StaffMember, user_id)

    async def staff_professions(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        rows = await self.s.execute(
            select(StaffMember.user_id, StaffMember.profession).where(
                StaffMember.user_id.in_(set(ids))
            )
        )
        return {uid: prof for uid, prof in rows}

    async def patient(self, patient_id: uuid.UUID) -> Patient | None:
        return await self.s.get(Patient, patient_id)

    async def patient_by_personnummer(self, pnr: str) -> Patient | None:
        return await self.s.scalar(select(Patient).where(Patient.personnummer == pnr))

    async def team(self, team_id: uuid.UUID) -> Team | None:
        return await self.s.get(Team, team_id)

    async def team_by_key(self, unit_id: uuid.UUID, key: str) -> Team | None:
        return await self.s.scalar(select(Team).where(Team.unit_id == unit_id, Team.key == key))

    async def teams(self, unit_ids: Sequence[uuid.UUID] | None = None) -> list[Team]:
        q = select(Team).order_by(Team.name)
        if unit_ids is not None:
            q = q.where(Team.unit_id.in_(set(unit_ids)))
        return list(await self.s.scalars(q))

    async def unit(self, unit_id: uuid.UUID) -> CareUnit | None:
        return await self.s.get(CareUnit, unit_id)

    async def load_actor(self, user_id: uuid.UUID, today: date) -> Actor | None:
        user = await self.s.get(User, user_id)
        if user is None or not user.active:
            return None
        if user.kind == UserKind.STAFF:
            return await self._staff_actor(user)
        return await self._patient_actor(user, today)

    async def _staff_actor(self, user: User) -> Actor | None:
        staff = await self.s.get(StaffMember, user.id)
        if staff is None:
            return None
        rows = list(
            await self.s.scalars(select(UnitMembership).where(UnitMembership.staff_id == user.id))
        )
        unit_ids = {m.unit_id for m in rows}
        whole_units = {m.unit_id for m in rows if m.team_id is None}
        team_ids = {m.team_id for m in rows if m.team_id is not None}
        if whole_units:  # a unit-level membership covers every team of the unit
            team_ids |= {t.id for t in await self.teams(list(whole_units))}
        return Actor(
            user_id=user.id,
            kind=UserKind.STAFF,
            display_name=user.display_name,
            organisation_id=staff.organisation_id,
            profession=staff.profession,
            team_ids=frozenset(team_ids),
            unit_ids=frozenset(unit_ids),
            admin_unit_ids=frozenset(m.unit_id for m in rows if m.is_admin),
        )

    async def _patient_actor(self, user: User, today: date) -> Actor:
        own = await self.s.scalar(select(Patient).where(Patient.user_id == user.id))
        children = await self.wards(user.id, today)
        ids = {c.id for c in children} | ({own.id} if own else set())
        return Actor(
            user_id=user.id,
            kind=UserKind.PATIENT,
            display_name=user.display_name,
            patient_ids=frozenset(ids),
            own_patient_id=own.id if own else None,
        )

    async def wards(self, guardian_user_id: uuid.UUID, today: date) -> list[Patient]:
        """Children the user may act for: guardianship recorded and the child under 13."""
        rows = await self.s.scalars(
            select(Patient)
            .join(Guardianship, Guardianship.patient_id == Patient.id)
            .where(Guardianship.guardian_user_id == guardian_user_id)
            .order_by(Patient.name)
        )
        return [p for p in rows if under_age(p.birth_date, today)]

    async def patient_user_ids(self, patient_id: uuid.UUID, today: date) -> list[uuid.UUID]:
        """Users who act on the patient side: the patient's login and valid guardians."""
        patient = await self.s.get(Patient, patient_id)
        if patient is None:
            return []
        ids = [patient.user_id] if patient.user_id else []
        if under_age(patient.birth_date, today):
            rows = await self.s.scalars(
                select(Guardianship.guardian_user_id).where(Guardianship.patient_id == patient_id)
            )
            ids.extend(rows)
        return ids

    async def care_contacts(self, patient_ids: Sequence[uuid.UUID]) -> list[CareContact]:
        if not patient_ids:
            return []
        rows = await self.s.scalars(
            select(CareContact)
            .where(CareContact.patient_id.in_(set(patient_ids)))
            .order_by(CareContact.title)
        )
        return list(rows)

    async def care_contact(self, contact_id: uuid.UUID) -> CareContact | None:
        return await self.s.get(CareContact, contact_id)

    async def care_contact_members(self, contact_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(CareContactMember.staff_id).where(
                CareContactMember.care_contact_id == contact_id
            )
        )
        return list(rows)

    async def routing_table(self, unit_id: uuid.UUID) -> dict[str, uuid.UUID]:
        rows = await self.s.execute(
            select(RoutingRule.category, RoutingRule.team_id).where(RoutingRule.unit_id == unit_id)
        )
        return {cat: team for cat, team in rows}

    async def replace_routing_table(self, unit_id: uuid.UUID, table: dict[str, uuid.UUID]) -> None:
        for rule in await self.s.scalars(select(RoutingRule).where(RoutingRule.unit_id == unit_id)):
            await self.s.delete(rule)
        await self.s.flush()
        self.s.add_all(
            RoutingRule(unit_id=unit_id, category=c, team_id=t) for c, t in table.items()
        )

    async def search_staff(self, unit_ids: Sequence[uuid.UUID], text: str | None) -> list[User]:
        q = (
            select(User)
            .join(UnitMembership, UnitMembership.staff_id == User.id)
            .where(UnitMembership.unit_id.in_(set(unit_ids)))
            .distinct()
        )
        if text:
            q = q.where(or_(User.display_name.ilike(f"%{text}%"), User.username == text))
        return list(await self.s.scalars(q.order_by(User.display_name).limit(50)))
