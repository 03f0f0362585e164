"""Typed application state."""

from __future__ import annotations

import socketio
from aiohttp import web

from chat.alerts import AlertService
from chat.attachments.service import AttachmentService
from chat.management import Directory, ThreadManagement
from chat.pdl import PdlService
from chat.service import ChatService
from chat.storage import Database
from server.auth import IdentityProvider, PasswordHashing, SessionManager
from server.config import Config
from server.revocation import SessionGuard
from server.tasks import BackgroundTasks
from server.throttle import LoginThrottle
from signaling.cluster import MeetingRouter
from signaling.live import LiveMeetings
from signaling.meetings import MeetingService

CONFIG = web.AppKey("config", Config)
DB = web.AppKey("db", Database)
CHAT = web.AppKey("chat", ChatService)
MANAGEMENT = web.AppKey("management", ThreadManagement)
DIRECTORY = web.AppKey("directory", Directory)
ALERTS = web.AppKey("alerts", AlertService)
PDL = web.AppKey("pdl", PdlService)
SESSIONS = web.AppKey("sessions", SessionManager)
IDENTITY = web.AppKey("identity", IdentityProvider)
HASHING = web.AppKey("password_hashing", PasswordHashing)
GUARD = web.AppKey("session_guard", SessionGuard)
THROTTLE = web.AppKey("login_throttle", LoginThrottle)
SIO = web.AppKey("sio", socketio.AsyncServer)
ATTACHMENTS = web.AppKey("attachments", AttachmentService)
MEETINGS = web.AppKey("meetings", MeetingService)
LIVE = web.AppKey("live_meetings", LiveMeetings)
VIDEO = web.AppKey("video_router", MeetingRouter)
TASKS = web.AppKey("background_tasks", BackgroundTasks)
