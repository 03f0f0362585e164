"""Alternating sends (issue 16): a patient message that starts a wait and a staff answer that
ends it change the thread's promise and carry the thread view. On PostgreSQL the staff answer
keeps the promise in the send's own statement and a started wait is written by the thread
view's statement: two statements a send, each showing what a fresh read shows. Service level,
both backends (SQLite keeps the separate steps)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from chat.errors import ErrorCode, NaraError
from chat.notifications.followup import Followup, NoticeSettings
from chat.notifications.models import ThreadPromise
from chat.service import ChatService
from chat.storage import Database
from server.demo import DemoIds
from tests.chat.test_send_outbox import statements
from tests.service.conftest import People, anna_thread, as_, chat, live, text

__all__ = ["as_", "chat", "live"]  # fixtures


async def _promise(db: Database, thread_id: uuid.UUID) -> tuple[Any, datetime | None]:
    """(the promise's columns, the thread's response_due_at), read afresh."""
    async with db.read() as store:
        promise = await store.session.scalar(
            select(ThreadPromise).where(ThreadPromise.thread_id == thread_id)
        )
        thread = await store.threads.get(thread_id)
        assert promise is not None and thread is not None
        columns = (
            promise.waiting_since,
            promise.answered_at,
            promise.due_at,
            promise.escalation_step,
            promise.next_check_at,
        )
        return columns, thread.response_due_at


async def test_alternating_sends_fold_the_promise_into_two_statements(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    chat.followup = Followup(NoticeSettings())
    tid = await anna_thread(chat, as_, demo)  # Anna's first message started a wait
    anna, sara = await as_("anna"), await as_("sara")
    for _round in range(2):
        waiting, due = await _promise(db, tid)
        assert waiting[0] is not None and due is not None

        # A refused staff send (another unit's) answers nothing: the statement's answer is
        # rolled back with it.
        with pytest.raises(NaraError) as err:
            await chat.send(await as_("bertil"), tid, text("Fel tråd"))
        assert err.value.code == ErrorCode.NOT_FOUND
        assert await _promise(db, tid) == (waiting, due)

        # The staff answer ends the wait and carries the thread view.
        with statements(db) as sent:
            answered = await chat.send(sara, tid, text("Svar"))
        (waiting_since, answered_at, due_at, step, next_check), due = await _promise(db, tid)
        assert (waiting_since, due_at, next_check, due) == (None, None, None, None)
        assert answered_at == answered.message.created_at and step == waiting[3]
        assert answered.thread is not None and answered.thread.response_due_at is None
        assert answered.thread == await chat.get_thread(sara, tid)  # as a fresh read shows it
        if not db.is_sqlite:
            # The send's statement (the answer in it), then the thread view.
            assert len(sent) == 2, sent
            assert "UPDATE thread_promises" in sent[0] and "INSERT INTO messages" in sent[0]
            assert "thread_promises" in sent[1] and "UPDATE" not in sent[1], sent

        # The patient's next message starts a wait and carries the thread view.
        with statements(db) as sent:
            asked = await chat.send(anna, tid, text("En fråga till"))
        (waiting_since, answered_at, due_at, step, next_check), due = await _promise(db, tid)
        assert waiting_since == asked.message.created_at and answered_at is None
        assert due_at is not None and due == due_at and step == 0
        assert asked.thread is not None and asked.thread.response_due_at == due
        assert asked.thread == await chat.get_thread(anna, tid)
        if not db.is_sqlite:
            # The send's statement, then the promise's writes in the thread view's statement.
            assert len(sent) == 2, sent
            assert "INSERT INTO messages" in sent[0], sent
            assert "INSERT INTO thread_promises" not in sent[0], sent
            assert "INSERT INTO thread_promises" in sent[1], sent
            assert "UPDATE threads SET response_due_at" in sent[1], sent

        # A second patient message while the wait runs writes nothing more and no view.
        with statements(db) as sent:
            again = await chat.send(anna, tid, text("Och en till"))
        assert again.thread is None
        assert await _promise(db, tid) == ((waiting_since, None, due_at, 0, next_check), due)
        if not db.is_sqlite:
            assert len(sent) == 1, sent
