"""The lean send path (issue 16): one statement stores the message and reads what the access
rules and the follow-up need (MessageRepository.post); the checks answer as they did when they
came before the writes, and a refusal leaves nothing behind. Service level, both backends."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from chat.errors import ErrorCode, NaraError
from chat.management import ThreadManagement
from chat.models import Message, MessageKind, ThreadStatus, utcnow
from chat.notifications.followup import Followup, NoticeSettings
from chat.notifications.models import Notification
from chat.service import ChatService, NewMessage, today
from chat.storage import Database
from server.auth import token_hash
from server.demo import DemoIds
from tests.service.conftest import People, anna_thread, as_, chat, live, text

__all__ = ["as_", "chat", "live"]  # fixtures


async def _stored(db: Database, thread_id: uuid.UUID) -> tuple[int, int, int]:
    """(last_seq, last_patient_seq, messages stored) of the thread."""
    async with db.read() as store:
        thread = await store.threads.get(thread_id)
        assert thread is not None
        count = await store.session.scalar(
            select(func.count()).select_from(Message).where(Message.thread_id == thread_id)
        )
        return thread.last_seq, thread.last_patient_seq, int(count or 0)


async def _refused(code: ErrorCode, coro: object) -> NaraError:
    with pytest.raises(NaraError) as err:
        await coro  # type: ignore[misc]
    assert err.value.code == code, err.value.message
    return err.value


async def _notices(db: Database, thread_id: uuid.UUID) -> list[Notification]:
    async with db.read() as store:
        rows = await store.session.scalars(
            select(Notification).where(Notification.thread_id == thread_id)
        )
        return list(rows)


async def test_post_reports_the_promise_the_due_time_and_who_may_be_told(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    chat.followup = Followup(NoticeSettings(channels=frozenset({"email"})))
    tid = await anna_thread(chat, as_, demo)
    sara = await as_("sara")

    def message(kind: str = MessageKind.TEXT) -> Message:
        return Message(
            id=uuid.uuid4(), thread_id=tid, seq=0, author_id=sara.actor.user_id,
            client_id=uuid.uuid4().hex, kind=kind, body="x", created_at=utcnow(),
        )

    async with db.write() as store:
        # Anna's first message started a wait; Anna has a verified e-mail address turned on.
        posted = await store.messages.post(message(), channels=frozenset({"email"}))
        assert posted is not None
        assert (posted.promise, posted.may_notify) == ("waiting", True)
        assert posted.response_due_at is not None and posted.urgency is None
        assert posted.care_contact_id == demo.care_contacts["anna"]
        assert (posted.seq, posted.patient_seq) == (2, 2)
        assert posted.scope.patient_id == demo.patients["anna"]
        assert posted.scope == await store.threads.scope(tid)  # as the access check reads it
        note = await store.messages.post(message(MessageKind.INTERNAL_NOTE))
        assert note is not None and (note.seq, note.patient_seq) == (3, None)
        # Channels the deployment cannot deliver on tell nobody.
        assert note.may_notify is False
        for channels in (frozenset({"sms"}), frozenset({"push"})):
            other = await store.messages.post(message(), channels=channels)
            assert other is not None and other.may_notify is False
        gone = Message(
            id=uuid.uuid4(), thread_id=uuid.uuid4(), seq=0, author_id=sara.actor.user_id,
            client_id="x", kind=MessageKind.TEXT, body="x", created_at=utcnow(),
        )
        assert await store.messages.post(gone) is None

    await chat.send(sara, tid, text("Svar"))  # answers the wait
    async with db.write() as store:
        posted = await store.messages.post(message())
        assert posted is not None and posted.promise == "answered"
        assert posted.response_due_at is None
    assert await _stored(db, tid) == (7, 6, 7)


@pytest.mark.parametrize("channels", [{"email"}, {"sms"}, set()])
async def test_staff_answer_notifies_only_on_the_deployments_channels(
    chat: ChatService, as_: People, demo: DemoIds, db: Database, channels: set[str]
) -> None:
    chat.followup = Followup(NoticeSettings(channels=frozenset(channels)))
    tid = await anna_thread(chat, as_, demo)
    result = await chat.send(await as_("sara"), tid, text("Svar"))
    assert result.thread is not None and result.thread.response_due_at is None  # answered
    notices = await _notices(db, tid)
    assert [(n.channel, n.user_id) for n in notices] == (
        [("email", demo.users["anna"])] if channels == {"email"} else []
    )
    # A second answer changes no promise: no thread view in the answer.
    again = await chat.send(await as_("sara"), tid, text("Ett till svar"))
    assert again.thread is None
    # Anna writes again: the wait starts again, and staff see the thread due.
    back = await chat.send(await as_("anna"), tid, text("Tack, en fråga till"))
    assert back.thread is not None and back.thread.response_due_at is not None
    assert (await chat.send(await as_("anna"), tid, text("Och en till"))).thread is None


async def test_a_refused_send_leaves_nothing_behind(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    tid = await anna_thread(chat, as_, demo)
    before = await _stored(db, tid)
    # Staff of another organisation and another patient: as if the thread did not exist.
    await _refused(ErrorCode.NOT_FOUND, chat.send(await as_("maja"), tid, text("Hej")))
    await _refused(ErrorCode.NOT_FOUND, chat.send(await as_("bertil"), tid, text("Hej")))
    await _refused(ErrorCode.NOT_FOUND, chat.send(await as_("anna"), uuid.uuid4(), text("Hej")))
    # The patient side may not write notes, system messages or ask for files; the visibility
    # check answers first.
    anna = await as_("anna")
    note = text("Anteckning", kind=MessageKind.INTERNAL_NOTE)
    await _refused(ErrorCode.FORBIDDEN, chat.send(anna, tid, note))
    await _refused(ErrorCode.FORBIDDEN, chat.send(anna, tid, text("x", kind=MessageKind.SYSTEM)))
    await _refused(ErrorCode.FORBIDDEN, chat.send(anna, tid, text("Filer?", request_files=True)))
    files = text("Filer?", request_files=True)
    await _refused(ErrorCode.NOT_FOUND, chat.send(await as_("bertil"), tid, files))
    assert await _stored(db, tid) == before
    async with db.read() as store:
        assert await store.threads.read_seqs(demo.users["bertil"], [tid]) == {}


async def test_a_closed_thread_takes_staff_messages_only(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    tid = await anna_thread(chat, as_, demo)
    sara = await as_("sara")
    await ThreadManagement(chat).set_status(sara, tid, ThreadStatus.CLOSED)
    before = await _stored(db, tid)
    await _refused(ErrorCode.THREAD_CLOSED, chat.send(await as_("anna"), tid, text("Hallå?")))
    await _refused(ErrorCode.NOT_FOUND, chat.send(await as_("bertil"), tid, text("Hallå?")))
    assert await _stored(db, tid) == before
    result = await chat.send(sara, tid, text("Ärendet är avslutat", request_files=True))
    assert result.message.seq == before[0] + 1
    async with db.read() as store:
        thread = await store.threads.get(tid)
        assert thread is not None
        assert thread.status == ThreadStatus.WAITING_FOR_PATIENT and thread.attachments_allowed
        assert await store.threads.read_seqs(sara.actor.user_id, [tid]) == {tid: before[0] + 1}


async def test_a_resend_is_checked_like_the_send(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    """The send's statement writes before it checks, so a reused client_id (which fails in
    that statement) is checked again before the stored message is answered."""
    tid = await anna_thread(chat, as_, demo)
    anna = await as_("anna")
    first = await chat.send(anna, tid, NewMessage(client_id="c-1", body="Hej"))
    again = await chat.send(anna, tid, NewMessage(client_id="c-1", body="Hej"))
    assert again.duplicate and again.message.id == first.message.id
    note = NewMessage(client_id="c-1", body="Hej", kind=MessageKind.INTERNAL_NOTE)
    await _refused(ErrorCode.FORBIDDEN, chat.send(anna, tid, note))
    await _refused(
        ErrorCode.IDEMPOTENCY_MISMATCH, chat.send(anna, tid, NewMessage("c-1", "Annat"))
    )
    assert (await _stored(db, tid))[2] == 2


async def test_a_sessions_actor_is_the_users_actor(
    chat: ChatService, demo: DemoIds, db: Database
) -> None:
    now = utcnow()
    async with db.write() as store:
        for name in ("anna", "sara", "lars", "bertil"):
            store.sessions.add(token_hash(name), demo.users[name], now + timedelta(hours=1))
        store.sessions.add(token_hash("old"), demo.users["anna"], now - timedelta(seconds=1))
    for name in ("anna", "sara", "lars", "bertil"):
        async with db.lookup() as store:
            got = await store.directory.session_actor(token_hash(name), now, today())
        assert got is not None and got == await chat.actor(demo.users[name])
    anna = await chat.actor(demo.users["anna"])
    assert anna is not None and len(anna.patient_ids) == 2  # her own record and Elsa's
    async with db.lookup() as store:
        assert await store.directory.session_actor(token_hash("old"), now, today()) is None
        assert await store.directory.session_actor(token_hash("nope"), now, today()) is None
    async with db.write() as store:
        await store.directory.set_active(demo.users["sara"], False)
    async with db.lookup() as store:
        assert await store.directory.session_actor(token_hash("sara"), now, today()) is None


async def test_the_one_statement_thread_view_is_the_listed_view(
    chat: ChatService, as_: People, demo: DemoIds, db: Database
) -> None:
    """ChatService.thread_view_for (ThreadRepository.view_facts) shows what the thread list
    (presenters.thread_view, row by row) shows: assignee, unread counts, read marks on each
    side's own count, the escalation step."""
    chat.followup = Followup(NoticeSettings())
    other = await anna_thread(chat, as_, demo)  # read marks in more than one thread
    tid = await anna_thread(chat, as_, demo)
    sara, anna = await as_("sara"), await as_("anna")
    await chat.send(sara, other, text("Svar i det andra ärendet"))
    await chat.send(anna, other, text("Tack"))
    await chat.send(sara, tid, text("Anteckning", kind=MessageKind.INTERNAL_NOTE))
    await chat.send(sara, tid, text("Svar"))
    await chat.send(anna, tid, text("Tack"))
    await chat.mark_read(anna, tid, 2)  # forward only: her own message moved it to 3
    async with db.write() as store:
        promise = await store.notifications.promise(tid)
        assert promise is not None and promise.waiting_since is not None
        promise.escalation_step = 2
    for name in ("anna", "sara", "lars"):
        caller = await as_(name)
        for thread_id in (tid, other):
            listed = [v for v in await chat.list_threads(caller) if v.id == thread_id]
            shown = await chat.get_thread(caller, thread_id)
            assert listed == [shown], name
    staff_view = await chat.get_thread(sara, tid)
    assert staff_view.assignee is not None and staff_view.assignee.id == demo.users["sara"]
    assert staff_view.escalation_step == 2 and staff_view.unread == 1
    patient_view = await chat.get_thread(anna, tid)
    assert (patient_view.last_seq, patient_view.read_seq, patient_view.unread) == (3, 3, 0)
    assert patient_view.escalation_step == 0 and patient_view.category is None
