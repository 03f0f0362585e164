"""Organisations, units, teams, people and fixed care contacts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.access import Actor
from chat.models import (
    CareContact,
    CareContactMember,
    CareUnit,
    Guardianship,
    Patient,
    RoutingRule,
    Session,
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
        row = (
            await self.s.execute(
                select(User.id, User.kind, User.display_name).where(
                    User.id == user_id, User.active
                )
            )
        ).first()
        return await self._actor(row, today)

    async def session_actor(
        self, token_hash: str, now: datetime, today: date
    ) -> Actor | None:
        """The actor of an unexpired session of an active account: the session and the user
        in one statement, the scope in one more (a REST request's first step)."""
        row = (
            await self.s.execute(
                select(User.id, User.kind, User.display_name)
                .join(Session, Session.user_id == User.id)
                .where(Session.token_hash == token_hash, Session.expires_at > now, User.active)
            )
        ).first()
        return await self._actor(row, today)

    async def _actor(self, row: Row[uuid.UUID, str, str] | None, today: date) -> Actor | None:
        if row is None:
            return None
        user_id, kind, name = row
        if kind == UserKind.STAFF:
            return await self._staff_actor(user_id, name)
        return await self._patient_actor(user_id, name, today)

    async def _staff_actor(self, user_id: uuid.UUID, name: str) -> Actor | None:
        """The staff row and the memberships, in one statement."""
        m = UnitMembership
        rows = list(
            await self.s.execute(
                select(
                    StaffMember.organisation_id,
                    StaffMember.profession,
                    m.id,
                    m.unit_id,
                    m.team_id,
                    m.is_admin,
                )
                .outerjoin(m, m.staff_id == StaffMember.user_id)
                .where(StaffMember.user_id == user_id)
            )
        )
        if not rows:
            return None
        organisation_id, profession = rows[0][0], rows[0][1]
        memberships = [r for r in rows if r[2] is not None]
        unit_ids = {r[3] for r in memberships}
        whole_units = {r[3] for r in memberships if r[4] is None}
        team_ids = {r[4] for r in memberships if r[4] is not None}
        if whole_units:  # a unit-level membership covers every team of the unit
            team_ids |= {t.id for t in await self.teams(list(whole_units))}
        return Actor(
            user_id=user_id,
            kind=UserKind.STAFF,
            display_name=name,
            organisation_id=organisation_id,
            profession=profession,
            team_ids=frozenset(team_ids),
            unit_ids=frozenset(unit_ids),
            admin_unit_ids=frozenset(r[3] for r in memberships if r[5]),
        )

    async def _patient_actor(self, user_id: uuid.UUID, name: str, today: date) -> Actor:
        """The own record and the children the user acts for (:meth:`wards`), in one
        statement."""
        ward = (
            select(Guardianship.id)
            .where(Guardianship.patient_id == Patient.id)
            .where(Guardianship.guardian_user_id == user_id)
            .exists()
        )
        rows = list(
            await self.s.execute(
                select(Patient.id, Patient.user_id, Patient.birth_date, ward).where(
                    or_(Patient.user_id == user_id, ward)
                )
            )
        )
        own = next((r[0] for r in rows if r[1] == user_id), None)
        children = {r[0] for r in rows if r[3] and under_age(r[2], today)}
        return Actor(
            user_id=user_id,
            kind=UserKind.PATIENT,
            display_name=name,
            patient_ids=frozenset(children | ({own} if own else set())),
            own_patient_id=own,
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
