"""The delivery worker: claims due notices from the outbox with a lease, decides (read
meanwhile? the user active in the client? already told within the window? quiet hours?), sends,
and records the outcome. At least once: a process that dies mid-send leaves its claim to run
out, and another worker takes the notice again (e-mail keeps its Message-ID, Web Push its
Topic, so a re-delivery is the same notice)."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from chat.models import utcnow
from chat.notifications.channels import Delivery, DeliveryError, PushTarget, Sender
from chat.notifications.models import Channel, NoticeState, Notification, started_meeting_id
from chat.promise import STOCKHOLM
from chat.storage import Database
from chat.storage.notifications import DeliveryFacts

log = logging.getLogger("nara.notify")


@dataclass(frozen=True)
class WorkerSettings:
    window_s: int = 900  # one notice per thread and channel per window
    active_s: int = 60  # none while the user had a live socket this recently
    lease_s: int = 60  # a claimed notice is taken again after this (its process died)
    retry_s: float = 30.0  # first retry after this; doubled each time (up to max_retry_s)
    max_retry_s: float = 3600.0
    max_attempts: int = 8
    batch: int = 32
    concurrency: int = 8
    poll_s: float = 1.0


@dataclass(frozen=True)
class Decision:
    action: str  # "send", "defer", "skip"
    note: str | None = None
    until: datetime | None = None
    delivery: Delivery | None = None


def quiet_until(now: datetime, start: str | None, end: str | None) -> datetime | None:
    """The end of the quiet hours ``now`` falls in (local time), else None."""
    if not start or not end or start == end:
        return None
    s = time(int(start[:2]), int(start[3:5]))
    e = time(int(end[:2]), int(end[3:5]))
    local = now.astimezone(STOCKHOLM)
    t, day = local.time(), local.date()
    if s < e:
        inside = s <= t < e
        end_day = day
    else:  # over midnight, e.g. 22:00–07:00
        inside = t >= s or t < e
        end_day = day if t < e else day + timedelta(days=1)
    if not inside:
        return None
    return datetime.combine(end_day, e, STOCKHOLM).astimezone(now.tzinfo)


def backoff(attempts: int, settings: WorkerSettings) -> timedelta:
    """Exponential, with ±20 % jitter so that failed notices do not come back in step."""
    base = min(settings.max_retry_s, settings.retry_s * (2 ** max(0, attempts - 1)))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        settings: WorkerSettings,
        *,
        clock: Callable[[], datetime] = utcnow,
        locally_active: Callable[[uuid.UUID], bool] = lambda _u: False,
    ) -> None:
        self.db = db
        self.senders = dict(senders)
        self.settings = settings
        self.clock = clock
        self.locally_active = locally_active
        self.name = f"{socket.gethostname()[:20]}-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._limit = asyncio.Semaphore(settings.concurrency)
        self.delivered = 0

    def wake(self) -> None:
        """A notice was committed in this process: look now rather than at the next poll."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            if await self.run_once() == 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), self.settings.poll_s)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many notices were claimed."""
        now = self.clock()
        lease = now + timedelta(seconds=self.settings.lease_s)
        async with self.db.write() as store:
            claimed = await store.notifications.claim(now, lease, self.name, self.settings.batch)
        if not claimed:
            return 0
        window = timedelta(seconds=self.settings.window_s)
        async with self.db.read() as store:
            facts = await store.notifications.delivery_facts(claimed, now - window)
        await asyncio.gather(*(self._one(n, self.decide(n, facts, now)) for n in claimed))
        return len(claimed)

    async def _one(self, notice: Notification, decision: Decision) -> None:
        async with self._limit:
            try:
                if decision.action == "send":
                    assert decision.delivery is not None
                    await self._send(notice, decision.delivery)
                elif decision.action == "defer":
                    await self._finish(notice, not_before=decision.until, note=decision.note)
                else:
                    await self._finish(notice, state=NoticeState.SKIPPED, note=decision.note)
            except Exception as exc:
                # The type only: an exception's text could hold a database value. The claim
                # runs out and the notice is taken again.
                log.error(
                    "notice handling failed",
                    extra={"notice_id": str(notice.id), "error": type(exc).__name__},
                )

    def decide(self, n: Notification, facts: DeliveryFacts, now: datetime) -> Decision:
        """Send, defer (and until when) or skip: read meanwhile, the meeting over, the user in
        the client, told within the window, quiet hours, the channel turned off."""
        s = self.settings
        if n.channel not in self.senders:
            return Decision("skip", "channel_unavailable")
        if n.user_id not in facts.active_users:
            return Decision("skip", "no_user")
        pref = facts.preferences.get(n.user_id)
        if pref is None:
            return Decision("skip", "channel_off")
        if n.thread_id is not None and n.seq is not None:
            if facts.read.get((n.user_id, n.thread_id), 0) >= n.seq:
                return Decision("skip", "read")
        if started_meeting_id(n.topic) in facts.ended_meetings:
            # Held back (quiet hours, the user in the client) past the meeting's end:
            # "has started" would now be false.
            return Decision("skip", "meeting_ended")
        seen = now if self.locally_active(n.user_id) else facts.last_seen.get(n.user_id)
        if seen is not None and seen > now - timedelta(seconds=s.active_s):
            return Decision("defer", "active", seen + timedelta(seconds=s.active_s + 1))
        sent = facts.last_sent.get((n.user_id, n.topic, n.channel))
        if sent is not None:
            return Decision("defer", "coalesced", sent + timedelta(seconds=s.window_s))
        quiet = quiet_until(now, pref.quiet_start, pref.quiet_end)
        if quiet is not None:
            return Decision("defer", "quiet_hours", quiet)
        if n.channel == Channel.EMAIL:
            if not (pref.email_enabled and pref.email and pref.email_verified_at):
                return Decision("skip", "channel_off")
            return Decision("send", delivery=Delivery(n.id, address=pref.email, reason=n.reason))
        if n.channel == Channel.SMS:
            if not (pref.sms_enabled and pref.phone and pref.phone_verified_at):
                return Decision("skip", "channel_off")
            return Decision("send", delivery=Delivery(n.id, address=pref.phone, reason=n.reason))
        subs = facts.subscriptions.get(n.user_id, [])
        if not pref.push_enabled or not subs:
            return Decision("skip", "channel_off")
        targets = tuple(PushTarget(x.endpoint, x.p256dh, x.auth) for x in subs)
        return Decision("send", delivery=Delivery(n.id, subscriptions=targets, reason=n.reason))

    async def _send(self, n: Notification, delivery: Delivery) -> None:
        sender = self.senders[n.channel]
        try:
            outcome = await sender.send(delivery)
        except DeliveryError as err:
            await self._failed(n, err)
            return
        except Exception as exc:
            log.error(
                "notice channel crashed",
                extra={"notice_id": str(n.id), "error": type(exc).__name__},
            )
            await self._failed(n, DeliveryError(f"{n.channel}_error"))
            return
        now = self.clock()
        async with self.db.write() as store:
            if outcome.delivered:
                await store.notifications.finish(
                    n.id, self.name, state=NoticeState.SENT, sent_at=now, note=None
                )
            else:
                await store.notifications.finish(
                    n.id, self.name, state=NoticeState.SKIPPED, note="subscription_gone"
                )
            for endpoint in outcome.gone:
                await store.notifications.delete_subscription(endpoint)
        if not outcome.delivered:
            return
        self.delivered += 1
        log.info(
            "notice sent",
            extra={"notice_id": str(n.id), "channel": n.channel, "attempt": n.attempts + 1},
        )

    async def _failed(self, n: Notification, err: DeliveryError) -> None:
        attempts = n.attempts + 1
        now = self.clock()
        give_up = err.permanent or attempts >= self.settings.max_attempts
        values: dict[str, object] = {
            "attempts": attempts,
            "last_error": err.code,
            "last_error_at": now,
        }
        if give_up:
            values["state"] = NoticeState.FAILED
        else:
            values["not_before"] = now + backoff(attempts, self.settings)
        await self._finish(n, **values)
        log.warning(
            "notice not delivered",
            extra={
                "notice_id": str(n.id),
                "channel": n.channel,
                "error": err.code,
                "attempt": attempts,
                "gave_up": give_up,
            },
        )

    async def _finish(self, n: Notification, **values: object) -> None:
        async with self.db.write() as store:
            await store.notifications.finish(n.id, self.name, **values)
