"""Remind the patient side of an invånarärende left unanswered: one content-free notice
through the notification outbox (chat/notifications), once per request."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from chat.models import utcnow
from chat.service import ChatService
from chat.storage.case_types import CaseTypeRepository

log = logging.getLogger("nara.case_types")


class RequestReminder:
    def __init__(self, chat: ChatService, clock: Callable[[], datetime] = utcnow) -> None:
        self.chat = chat
        self.clock = clock

    async def run_once(self, now: datetime | None = None, limit: int = 100) -> int:
        """Reminders due by ``now``: each claimed once (the state check in the update), the
        notices written in the same transaction. Returns how many requests were reminded."""
        now = now or self.clock()
        done = 0
        async with self.chat.db.write() as store:
            repo = CaseTypeRepository(store.session)
            for req in await repo.due_reminders(now, limit):
                if not await repo.mark_reminded(req.id, now):
                    continue
                scope = await store.threads.scope(req.thread_id)
                if scope is not None and self.chat.followup is not None:
                    await self.chat.followup.notify_patient_side(store, scope, None, now)
                done += 1
        if done:
            log.info("case requests reminded", extra={"count": done})
        return done

    async def run_forever(self, interval_s: float) -> None:
        """A crash is logged and the loop restarted by the server's task supervisor."""
        while True:
            await self.run_once()
            await asyncio.sleep(interval_s)
