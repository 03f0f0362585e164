"""The application factory: ``create_app(config)``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import socketio
from aiohttp import web

from chat.management import Directory, ThreadManagement
from chat.service import ChatService
from chat.storage import Database
from server.api import build_api
from server.auth import LocalPasswordIdentity, SessionManager
from server.config import Config
from server.keys import CHAT, CONFIG, DB, DIRECTORY, EXTRAS, IDENTITY, MANAGEMENT, SESSIONS, SIO
from server.logs import quiet_sensitive_loggers
from server.nlp_bridge import load_classifier
from server.realtime import ChatNamespace, SocketLiveEvents
from server.security import authenticate, errors, security_headers

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
    app.cleanup_ctx.append(_database)
    build_api().mount(app)
    _mount_web_client(app)
    return app


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
