"""The access log (Patientdatalagen): insert and list, nothing else; rows are never changed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import AccessLogEntry


class AccessLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def append(
        self,
        *,
        staff_user_id: uuid.UUID,
        patient_id: uuid.UUID,
        thread_id: uuid.UUID | None,
        action: str,
        remote_addr: str | None,
        at: datetime,
    ) -> None:
        self.s.add(
            AccessLogEntry(
                staff_user_id=staff_user_id,
                patient_id=patient_id,
                thread_id=thread_id,
                action=action,
                remote_addr=remote_addr,
                at=at,
            )
        )

    async def for_patient(self, patient_id: uuid.UUID, limit: int = 500) -> list[AccessLogEntry]:
        rows = await self.s.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.patient_id == patient_id)
            .order_by(AccessLogEntry.id.desc())
            .limit(limit)
        )
        return list(rows)
