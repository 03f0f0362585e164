"""The application factory: ``create_app(config)``."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from chat.alerts import AlertService
from chat.attachments import LocalBlobStore
from chat.attachments.binder import StoredAttachmentBinder
from chat.attachments.service import AttachmentService
from chat.management import Directory, ThreadManagement
from chat.pdl import PdlService
from chat.service import ChatService
from chat.storage import Database
from server.api import build_api
from server.api.attachment_routes import blob_dir
from server.auth import LocalPasswordIdentity, PasswordHashing, SessionManager
from server.case_types import case_types_ctx
from server.config import Config
from server.keys import (
    ALERTS,
    ATTACHMENTS,
    CHAT,
    CONFIG,
    DB,
    DIRECTORY,
    GUARD,
    HASHING,
    IDENTITY,
    MANAGEMENT,
    PDL,
    SESSIONS,
    SIO,
    TASKS,
    THROTTLE,
)
from server.logs import quiet_sensitive_loggers
from server.nlp_bridge import load_classifier
from server.notify_worker import setup_notifications
from server.oidc_login import setup_oidc
from server.realtime import ChatNamespace, SocketLiveEvents
from server.revocation import SessionGuard, socket_manager
from server.security import authenticate, errors, security_headers
from server.sockets import NaraSocketServer
from server.tasks import BackgroundTasks
from server.throttle import LoginLimits, LoginThrottle
from server.video import VideoNamespace, video_ctx
from server.wire_json import WIRE_JSON

log = logging.getLogger("nara.app")
WEB_DIST = Path(__file__).resolve().parent.parent / "web_client" / "dist"


def create_app(config: Config) -> web.Application:
    quiet_sensitive_loggers()
    app = web.Application(middlewares=[errors, authenticate], client_max_size=64 * 1024**2)
    app.on_response_prepare.append(security_headers)
    app[CONFIG] = config
    app[TASKS] = BackgroundTasks()
    sio = NaraSocketServer(
        async_mode="aiohttp",
        client_manager=socket_manager(config.redis_url, config.redis_channel),
        cors_allowed_origins=list(config.allowed_origins) or None,
        logger=False,
        engineio_logger=False,
        json=WIRE_JSON,
    )
    sio.attach(app)
    app[SIO] = sio
    sio.register_namespace(ChatNamespace(app))
    sio.register_namespace(VideoNamespace(app))
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(case_types_ctx)  # chat/case_types: needs the chat service
    app.cleanup_ctx.append(_logins)
    setup_oidc(app)  # after the database: OpenID Connect login when configured
    app.cleanup_ctx.append(_attachments)
    app.cleanup_ctx.append(video_ctx)
    setup_notifications(app)  # after chat and video: it hooks into both
    app.on_shutdown.append(_disconnect_sockets)
    app.on_shutdown.append(_stop_tasks)
    build_api().mount(app)
    _mount_web_client(app)
    return app


async def _disconnect_sockets(app: web.Application) -> None:
    """Close Socket.IO clients first, so shutdown does not wait for open WebSockets."""
    await app[SIO].shutdown()


async def _stop_tasks(app: web.Application) -> None:
    """Background tasks end before the resources they use (database, senders) are closed."""
    await app[TASKS].close()


def _crash_after_commit(marker: str) -> Callable[[list[dict[str, Any]]], None] | None:
    """Fault injection for the crash tests: die like ``kill -9`` between commit and publish."""
    if not marker:
        return None

    def check(events: list[dict[str, Any]]) -> None:
        if any(marker in str(e["payload"].get("message", {}).get("body", "")) for e in events):
            os._exit(137)

    return check


async def _database(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    config.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(config.effective_database_url)
    app[DB] = db
    classifier = await asyncio.to_thread(load_classifier, config)
    chat = ChatService(
        db,
        live=SocketLiveEvents(app[SIO]),
        classifier=classifier,
        attachment_binder=StoredAttachmentBinder(config.attachment_limits),
        send_batch=config.send_batch,
        send_batches_in_flight=config.send_batches_in_flight,
    )
    app[CHAT] = chat
    app[MANAGEMENT] = ThreadManagement(chat)
    app[DIRECTORY] = Directory(chat)
    app[ALERTS] = AlertService(chat)
    app[PDL] = PdlService(chat)
    manager = app[SIO].manager
    sessions = SessionManager(
        db, timedelta(hours=config.session_ttl_hours), notify=manager.publish_revocation
    )
    app[SESSIONS] = sessions
    guard = SessionGuard(app[SIO], sessions, config.session_recheck_s)
    app[GUARD] = guard
    manager.revocation_handler = guard.revoked
    app[HASHING] = PasswordHashing(config.password_threads)
    app[IDENTITY] = LocalPasswordIdentity(db, app[HASHING])
    app[TASKS].forever("session-sweep", guard.sweep_forever)
    chat.events.before_publish = _crash_after_commit(config.fault_crash_after_commit)
    app[TASKS].forever(
        "live-outbox", lambda: chat.events.run(db, stale_s=config.live_outbox_stale_s)
    )
    yield
    await app[TASKS].close()  # idempotent; normally done at shutdown, before this
    app[HASHING].close()
    await db.dispose()


async def _logins(app: web.Application) -> AsyncIterator[None]:
    """Brute-force protection for logins (server/throttle.py)."""
    config = app[CONFIG]
    limits = LoginLimits(
        enabled=config.login_rate_limit,
        window_s=config.login_window_s,
        failures_per_account=config.login_failures_per_account,
        failures_per_address=config.login_failures_per_address,
        known_address_days=config.login_known_address_days,
    )
    prefix = f"{config.redis_channel}-login"
    throttle = LoginThrottle.create(limits, config.redis_url, prefix=prefix)
    app[THROTTLE] = throttle
    yield
    await throttle.close()


async def _attachments(app: web.Application) -> AsyncIterator[None]:
    """Uploads, downloads and the purge of unused uploads (binding them to a message is the
    chat service's StoredAttachmentBinder, made in _database)."""
    config = app[CONFIG]
    limits = config.attachment_limits
    service = AttachmentService(
        app[DB],
        LocalBlobStore(blob_dir(config)),
        limits,
        parallel_inspections=config.attachment_inspections,
    )
    app[ATTACHMENTS] = service
    # pypdf may quote fragments of a damaged file in its warnings: keep them out of the logs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    interval = config.upload_purge_s
    ttl = timedelta(minutes=config.upload_ttl_minutes)
    app[TASKS].forever("upload-purge", lambda: service.purge_forever(interval, ttl))
    yield
    await app[TASKS].close()  # before the purge's thread pool closes
    service.close()


def _mount_web_client(app: web.Application) -> None:
    async def index(request: web.Request) -> web.StreamResponse:
        page = WEB_DIST / "index.html"
        if page.exists():
            return web.FileResponse(page, headers={"Cache-Control": "no-cache"})
        return web.Response(
            text="<!doctype html><html lang=sv><title>Nära</title><p>Nära körs. "
            "Webbklienten är inte byggd.</p>",
            content_type="text/html",
        )

    app.router.add_get("/", index)
    if (WEB_DIST / "assets").is_dir():
        app.router.add_static("/assets", WEB_DIST / "assets")
