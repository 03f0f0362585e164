"""Wiring of case types, consultations and standard answers (chat/case_types) into the app:
the services and the reminder task for unanswered invånarärenden."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from chat.case_types.consultations import Consultations, StaffDirectory
from chat.case_types.reminders import RequestReminder
from chat.case_types.service import CaseTypeService
from chat.case_types.standard_answers import StandardAnswers
from server.keys import CHAT, CONFIG, TASKS

CASE_TYPES = web.AppKey("case_types", CaseTypeService)
CONSULTATIONS = web.AppKey("consultations", Consultations)
STAFF_DIRECTORY = web.AppKey("staff_directory", StaffDirectory)
STANDARD_ANSWERS = web.AppKey("standard_answers", StandardAnswers)
REMINDER = web.AppKey("case_request_reminder", RequestReminder)


async def case_types_ctx(app: web.Application) -> AsyncIterator[None]:
    """After the database context: it needs the chat service."""
    config = app[CONFIG]
    chat = app[CHAT]
    app[CASE_TYPES] = CaseTypeService(chat, reminder_hours=config.case_reminder_hours)
    app[CONSULTATIONS] = Consultations(chat)
    app[STAFF_DIRECTORY] = StaffDirectory(chat)
    app[STANDARD_ANSWERS] = StandardAnswers(chat)
    app[REMINDER] = reminder = RequestReminder(chat)
    interval = config.case_reminder_check_s
    app[TASKS].forever("case-request-reminders", lambda: reminder.run_forever(interval))
    yield
