"""Acute alerts: raised on an acute patient message, open until staff acknowledge them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chat.models import AcuteAlert, AlertState


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def add(self, alert: AcuteAlert) -> None:
        self.s.add(alert)

    async def flush(self) -> None:
        await self.s.flush()

    async def get(self, alert_id: uuid.UUID) -> AcuteAlert | None:
        return await self.s.get(AcuteAlert, alert_id)

    async def open_for_thread(self, thread_id: uuid.UUID) -> AcuteAlert | None:
        return await self.s.scalar(
            select(AcuteAlert)
            .where(AcuteAlert.thread_id == thread_id, AcuteAlert.state == AlertState.OPEN)
            .order_by(AcuteAlert.raised_at)
            .limit(1)
        )

    async def open_in_units(
        self, unit_ids: Sequence[uuid.UUID], limit: int = 200
    ) -> list[AcuteAlert]:
        """Open alerts of the units, the longest waiting first."""
        if not unit_ids:
            return []
        rows = await self.s.scalars(
            select(AcuteAlert)
            .where(AcuteAlert.unit_id.in_(set(unit_ids)), AcuteAlert.state == AlertState.OPEN)
            .order_by(AcuteAlert.raised_at, AcuteAlert.id)
            .limit(limit)
        )
        return list(rows)

    async def acknowledge(self, alert_id: uuid.UUID, by: uuid.UUID, at: datetime) -> bool:
        """Open → acknowledged once; False when it was acknowledged already (the row decides,
        so two staff acknowledging at the same moment record one acknowledgement)."""
        result = await self.s.execute(
            update(AcuteAlert)
            .where(AcuteAlert.id == alert_id, AcuteAlert.state == AlertState.OPEN)
            .values(state=AlertState.ACKNOWLEDGED, acknowledged_at=at, acknowledged_by=by)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def reload(self, alert: AcuteAlert) -> None:
        await self.s.refresh(alert)
