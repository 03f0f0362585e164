"""Notifications in each ``nara serve`` process: the channels from the configuration, the
followup hook in the chat and meeting services, and three supervised background tasks — the
delivery worker, the presence heartbeat (who has a live socket) and the escalation check.

With several processes every one runs all three; the outbox lease and the promise row lock
make each notice and each escalation step happen once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from chat.escalation import Escalator
from chat.models import utcnow
from chat.notifications.channels import (
    ElksSms,
    EmailSender,
    PushSender,
    Sender,
    SmsSender,
    SmtpSettings,
    generate_vapid_keys,
)
from chat.notifications.followup import Followup, NoticeSettings
from chat.notifications.preferences import NotificationService
from chat.notifications.worker import DeliveryWorker, WorkerSettings
from server.config import Config
from server.keys import CHAT, CONFIG, DB, GUARD, MEETINGS, TASKS
from server.realtime import CHAT_NAMESPACE

log = logging.getLogger("nara.notify")
NOTIFY = web.AppKey("notifications", NotificationService)
WORKER = web.AppKey("notify_worker", DeliveryWorker)
ESCALATOR = web.AppKey("escalator", Escalator)
WEB_DIST = Path(__file__).resolve().parent.parent / "web_client" / "dist"


def setup_notifications(app: web.Application) -> None:
    """Called by create_app after the chat and video contexts are registered."""
    app.cleanup_ctx.append(_notifications)
    app.router.add_get("/sw.js", _service_worker)


async def _service_worker(request: web.Request) -> web.StreamResponse:
    """The Web Push service worker, at the root so that its scope is the whole client."""
    path = WEB_DIST / "sw.js"
    if not path.exists():
        raise web.HTTPNotFound()
    return web.FileResponse(
        path,
        headers={"Cache-Control": "no-cache", "Content-Type": "text/javascript; charset=utf-8"},
    )


def vapid_keys(config: Config) -> tuple[str, str]:
    """NARA_VAPID_* if set; else the pair in the data folder, generated there the first time
    (several processes on one host agree on it: the file is created once, exclusively)."""
    if config.vapid_private_key and config.vapid_public_key:
        return config.vapid_private_key, config.vapid_public_key
    path = config.data_dir / "vapid.json"
    if not path.exists():
        private, public = generate_vapid_keys()
        config.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                json.dump({"private_key": private, "public_key": public}, f)
            log.info("vapid keys generated", extra={"path": str(path)})
    for _ in range(50):
        try:
            keys = json.loads(path.read_text())
            return str(keys["private_key"]), str(keys["public_key"])
        except (json.JSONDecodeError, KeyError):
            # Another process is writing it right now.
            import time

            time.sleep(0.05)
    raise RuntimeError("the VAPID key file in the data folder is unreadable")


def build_senders(config: Config) -> tuple[dict[str, Sender], str | None]:
    senders: dict[str, Sender] = {}
    if config.smtp_url:
        senders["email"] = EmailSender(
            SmtpSettings.from_url(config.smtp_url), config.mail_from, public_url=config.public_url
        )
    if config.sms_url and config.sms_key:
        senders["sms"] = SmsSender(ElksSms(config.sms_url, config.sms_key, config.sms_from))
    public = None
    if config.web_push:
        private, public = vapid_keys(config)
        subject = config.vapid_subject or _subject(config)
        senders["push"] = PushSender(private, public, subject)
    return senders, public


def _subject(config: Config) -> str:
    if config.public_url.startswith("https://"):
        return config.public_url
    address = config.mail_from.rsplit("<", 1)[-1].strip(">").strip()
    return f"mailto:{address}"


async def _notifications(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    # aiosmtplib logs the conversation (addresses) at DEBUG: never into our logs.
    logging.getLogger("aiosmtplib").setLevel(logging.WARNING)
    senders, public_key = build_senders(config)
    settings = WorkerSettings(
        window_s=config.notify_window_s,
        active_s=config.notify_active_s,
        lease_s=config.notify_lease_s,
        retry_s=config.notify_retry_s,
        max_attempts=config.notify_max_attempts,
    )
    guard = app[GUARD]

    def live_users() -> set[uuid.UUID]:
        return {
            t.session.user_id
            for t in guard.tracked()
            if t.namespace == CHAT_NAMESPACE and not t.ended
        }

    worker = DeliveryWorker(
        app[DB], senders, settings, locally_active=lambda user_id: user_id in live_users()
    )
    app[WORKER] = worker
    followup = Followup(
        NoticeSettings(channels=frozenset(senders), window_s=config.notify_window_s),
        wake=worker.wake,
    )
    app[CHAT].followup = followup
    if MEETINGS in app:
        app[MEETINGS].followup = followup
    app[NOTIFY] = NotificationService(app[DB], senders, vapid_public_key=public_key)
    escalator = Escalator(app[CHAT])
    app[ESCALATOR] = escalator
    _announce(config, senders)

    async def heartbeat() -> None:
        interval = max(1.0, min(10.0, config.notify_active_s / 3))
        while True:
            users = sorted(live_users(), key=str)
            if users:
                async with app[DB].write() as store:
                    await store.notifications.touch_presence(users, utcnow())
            await asyncio.sleep(interval)

    async def escalate() -> None:
        while True:
            await escalator.run_once()
            await asyncio.sleep(config.escalation_check_s)

    tasks = app[TASKS]
    tasks.forever("notify-delivery", worker.run_forever)
    tasks.forever("notify-presence", heartbeat)
    tasks.forever("notify-escalation", escalate)
    yield
    await tasks.close()  # idempotent; normally done at shutdown, before the senders close
    for sender in senders.values():
        with contextlib.suppress(Exception):
            await sender.close()


def _announce(config: Config, senders: dict[str, Sender]) -> None:
    """Say at start-up what will be sent; the embedded default sends no e-mail and no SMS.
    (A log line, not stdout: the first line there is the listening address.)"""
    email, sms, push = ("email" in senders), ("sms" in senders), ("push" in senders)
    if not email and not sms:
        summary = "notifications: no e-mail or SMS is sent (NARA_SMTP_URL, NARA_SMS_URL unset)"
    else:
        summary = "notifications: " + ", ".join(c for c in ("email", "sms") if c in senders)
    log.info(
        summary,
        extra={
            "email": "on" if email else "off",
            "sms": "on" if sms else "off",
            "web_push": "only to browsers that turn it on" if push else "off",
            "window_s": config.notify_window_s,
        },
    )


def overdue_command(config: Config) -> int:
    """``nara overdue``: open threads past their due time, by how much, per escalation step."""
    from chat.escalation import overdue_report
    from chat.storage import Database

    async def run() -> None:
        db = Database(config.effective_database_url)
        try:
            r = await overdue_report(db)
        finally:
            await db.dispose()
        print(f"threads waiting for an answer: {r.waiting}")
        print(f"overdue: {r.overdue}")
        if r.overdue:
            print(
                f"overdue by: median {r.median_hours:.1f} h (max {r.max_hours:.1f} h); "
                f"in the units' open hours median {r.median_open_hours:.1f} h "
                f"(max {r.max_open_hours:.1f} h)"
            )
            steps = ", ".join(f"step {k}: {n}" for k, n in r.by_step.items())
            print(f"escalation: {steps}")

    asyncio.run(run())
    return 0
