"""The application factory: ``create_app(config)``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import socketio
from aiohttp import web

from chat.attachments import AttachmentLimits, LocalBlobStore
from chat.attachments.binder import StoredAttachmentBinder
from chat.attachments.service import AttachmentService
from chat.management import Directory, ThreadManagement
from chat.service import ChatService
from chat.storage import Database
from server.api import build_api
from server.api.attachment_routes import blob_dir
from server.auth import LocalPasswordIdentity, SessionManager
from server.config import Config
from server.keys import (
    ATTACHMENTS,
    CHAT,
    CONFIG,
    DB,
    DIRECTORY,
    EXTRAS,
    IDENTITY,
    MANAGEMENT,
    SESSIONS,
    SIO,
)
from server.logs import quiet_sensitive_loggers
from server.nlp_bridge import load_classifier
from server.realtime import ChatNamespace, SocketLiveEvents
from server.security import authenticate, errors, security_headers
from server.video import VideoNamespace, video_ctx

log = logging.getLogger("nara.app")
WEB_DIST = Path(__file__).resolve().parent.parent / "web_client" / "dist"


def create_app(config: Config) -> web.Application:
    quiet_sensitive_loggers()
    app = web.Application(
        middlewares=[security_headers, errors, authenticate], client_max_size=64 * 1024**2
    )
    app[CONFIG] = config
    app[EXTRAS] = {}
    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=_manager(config),
        cors_allowed_origins=list(config.allowed_origins) or None,
        logger=False,
        engineio_logger=False,
        max_http_buffer_size=1_000_000,
    )
    sio.attach(app)
    app[SIO] = sio
    sio.register_namespace(ChatNamespace(app))
    sio.register_namespace(VideoNamespace(app))
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_attachments)
    app.cleanup_ctx.append(video_ctx)
    app.on_shutdown.append(_disconnect_sockets)
    build_api().mount(app)
    _mount_web_client(app)
    return app


async def _disconnect_sockets(app: web.Application) -> None:
    """Close Socket.IO clients first, so shutdown does not wait for open WebSockets."""
    await app[SIO].shutdown()


def _manager(config: Config) -> socketio.AsyncManager:
    if config.redis_url:
        return socketio.AsyncRedisManager(config.redis_url, channel=config.redis_channel)
    return socketio.AsyncManager()


async def _database(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    config.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(config.effective_database_url)
    app[DB] = db
    classifier = await asyncio.to_thread(load_classifier, config)
    chat = ChatService(db, live=SocketLiveEvents(app[SIO]), classifier=classifier)
    app[CHAT] = chat
    app[MANAGEMENT] = ThreadManagement(chat)
    app[DIRECTORY] = Directory(chat)
    app[SESSIONS] = SessionManager(db, timedelta(hours=config.session_ttl_hours))
    app[IDENTITY] = LocalPasswordIdentity(db)
    yield
    await db.dispose()


async def _attachments(app: web.Application) -> AsyncIterator[None]:
    """Uploads, downloads, binding to messages, and the purge of unused uploads."""
    config = app[CONFIG]
    limits = AttachmentLimits.from_env()
    service = AttachmentService(
        app[DB],
        LocalBlobStore(blob_dir(config)),
        limits,
        parallel_inspections=int(os.environ.get("NARA_ATTACHMENT_INSPECTIONS", "2")),
    )
    app[ATTACHMENTS] = service
    app[CHAT].attachment_binder = StoredAttachmentBinder(limits)
    # pypdf may quote fragments of a damaged file in its warnings: keep them out of the logs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    interval = float(os.environ.get("NARA_UPLOAD_PURGE_SECONDS", "300"))
    ttl = timedelta(minutes=config.upload_ttl_minutes)
    purge = asyncio.create_task(service.purge_forever(interval, ttl))
    yield
    purge.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await purge
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
