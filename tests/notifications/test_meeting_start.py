"""A video meeting for a patient's thread starts: the patient side (the patient, or guardians
acting for a child) is told through the channels they chose, once per start, with a text that
names nobody. End to end: a real server, staff joining over /video as a browser does, mail over
real SMTP (aiosmtpd). Then the seam itself: MeetingService and the delivery worker on a real
database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from chat.models import MeetingStatus, utcnow
from chat.notifications import texts
from chat.notifications.channels import ElksSms, EmailSender, SmsSender, SmtpSettings
from chat.notifications.followup import Followup, NoticeSettings
from chat.notifications.models import Notification
from chat.notifications.worker import DeliveryWorker, WorkerSettings
from chat.service import Caller, ChatService, NewMessage
from chat.storage import Database
from server.demo import DemoIds
from signaling.meetings import MeetingService
from tests.conftest import RunningServer
from tests.notifications.support import HttpStandIn, MailSink, outbox, settled
from tests.support.flows import start_thread
from tests.video.meeting_support import Meeting

PUBLIC_URL = "https://nara.example.se"
# What the mail must not carry: the patient's and staff names, the personnummer, the unit,
# the meeting's title and the thread's text.
SECRETS = (
    "Anna",
    "Andersson",
    "19850312",
    "850312",
    "Sara",
    "Lars",
    "Vårdcentralen",
    "Vårdplanering",
    "recept",
)


def starts(rows: list[Notification]) -> list[Notification]:
    return [r for r in rows if r.reason == "meeting_started"]


async def join(meeting: Meeting, who: str) -> None:
    """Join over /video as the web client does (no media: only the start matters here)."""
    client = await meeting.client(who, auto_media=False)
    assert meeting.id is not None
    await client.join(meeting.id)


async def booked(server: RunningServer, meeting: Meeting) -> uuid.UUID:
    """A meeting for Anna's thread, booked an hour ahead: it starts at the first join."""
    demo = server.demo
    anna = await meeting.api("anna")
    thread = await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    at = (utcnow() + timedelta(hours=1)).isoformat()
    body = {"title": "Vårdplanering", "thread_id": thread["thread"]["id"], "scheduled_at": at}
    created = await (await meeting.api("sara")).ok("POST", "/api/v1/meetings", body)
    assert created["status"] == "scheduled"
    meeting.id = uuid.UUID(created["id"])
    return meeting.id


@pytest.fixture
async def meeting(nserver: RunningServer) -> AsyncIterator[Meeting]:
    m = Meeting(nserver)
    yield m
    await m.close()


# -- end to end ------------------------------------------------------------------------------


@pytest.mark.parametrize("notify_overrides", [{"public_url": PUBLIC_URL}])
async def test_a_started_meeting_mails_the_patient_once_and_names_nobody(
    nserver: RunningServer, mail: MailSink, meeting: Meeting
) -> None:
    await meeting.create("sara")  # no time: live at once
    await join(meeting, "sara")
    await join(meeting, "lars")  # a second staff member: no second notice
    [got] = await mail.wait_for(1)
    assert got.rcpt == ["anna@example.se"]
    subject = str(got.message["Subject"])
    assert subject == texts.MEETING_SUBJECT
    body = got.body
    assert texts.MEETING_SV in body and texts.MEETING_EN in body
    assert f"{PUBLIC_URL}/" in body
    for secret in SECRETS:
        assert secret.lower() not in body.lower(), secret
        assert secret.lower() not in subject.lower(), secret
    rows = await settled(nserver, lambda rows: rows and all(r.state != "pending" for r in rows))
    [row] = starts(rows)
    assert row.state == "sent" and row.channel == "email"
    assert row.topic == f"meeting-start:{meeting.id}" and str(row.thread_id) == meeting.thread_id
    assert got.message_id == f"<{row.id}@nara.test>"
    # Nobody else is told, and nothing more comes.
    assert [r.reason for r in rows] == ["meeting_started"]
    await asyncio.sleep(0.5)
    assert len(mail.mails) == 1


@pytest.mark.slow  # timing: waits 0.5 s to see that no third mail comes
async def test_a_booked_meeting_is_told_when_it_starts_and_only_then(
    nserver: RunningServer, mail: MailSink, meeting: Meeting
) -> None:
    await booked(nserver, meeting)
    [invited] = await mail.wait_for(1)
    assert texts.NOTICE_SV in invited.body  # the invitation: only that something is new
    await join(meeting, "sara")  # the first join starts it
    _, started = await mail.wait_for(2)
    assert started.message["Subject"] == texts.MEETING_SUBJECT
    assert texts.MEETING_SV in started.body
    await join(meeting, "lars")
    await asyncio.sleep(0.5)
    assert len(mail.mails) == 2
    rows = await settled(nserver)
    assert [r.reason for r in rows] == ["meeting", "meeting_started"]


@pytest.mark.slow  # timing: waits 0.8 s to see that no mail comes
async def test_a_patient_who_turned_email_off_gets_nothing(
    nserver: RunningServer, mail: MailSink, meeting: Meeting
) -> None:
    anna = await meeting.api("anna")
    settings = await anna.ok("PUT", "/api/v1/me/notifications", {"email_enabled": False})
    assert settings["email_enabled"] is False
    await meeting.create("sara")
    await join(meeting, "sara")
    await asyncio.sleep(0.8)
    assert mail.mails == []
    assert await outbox(nserver) == []


# -- the seam: MeetingService, Followup and the worker on a real database ---------------------


@pytest.fixture
def chat(db: Database) -> ChatService:
    return ChatService(db)


@pytest.fixture
def meetings(db: Database) -> MeetingService:
    service = MeetingService(db)
    service.followup = Followup(NoticeSettings(channels=frozenset({"email"})))
    return service


async def caller(chat: ChatService, demo: DemoIds, username: str) -> Caller:
    actor = await chat.actor(demo.users[username])
    assert actor is not None
    return Caller(actor, "127.0.0.1")


async def thread_of(chat: ChatService, demo: DemoIds, patient: str) -> uuid.UUID:
    """Anna writes to her own (or, as guardian, her child's) fixed care contact."""
    result = await chat.create_thread(
        await caller(chat, demo, "anna"),
        patient_id=demo.patients[patient],
        subject="Fråga",
        first=NewMessage(client_id=uuid.uuid4().hex, body="Hej, en fråga."),
        care_contact_id=demo.care_contacts[patient],
    )
    assert result.thread is not None
    return result.thread.id


async def rows_in(db: Database) -> list[Notification]:
    async with db.read() as store:
        rows = await store.session.scalars(select(Notification).order_by(Notification.created_at))
        return list(rows)


async def test_the_start_is_queued_once_however_many_join(
    db: Database, chat: ChatService, meetings: MeetingService, demo: DemoIds
) -> None:
    thread_id = await thread_of(chat, demo, "anna")
    sara = await caller(chat, demo, "sara")
    later = utcnow() + timedelta(hours=1)
    view = await meetings.create(
        sara.actor, title="Vårdplanering", thread_id=thread_id, scheduled_at=later, member_ids=[]
    )
    assert [r.reason for r in await rows_in(db)] == ["meeting"]
    # Every join calls mark_live; only the first one changes the status, and tells.
    for _ in range(3):
        await meetings.mark_live(view.id)
    await meetings.set_status(view.id, MeetingStatus.ENDED)
    await meetings.mark_live(view.id)  # a late join does not revive an ended meeting
    [row] = starts(await rows_in(db))
    assert row.user_id == demo.users["anna"] and row.channel == "email"
    assert row.thread_id == thread_id and row.unit_id == demo.unit_id and row.seq is None


async def test_a_meeting_started_at_once_is_told_as_started_and_to_guardians(
    db: Database, chat: ChatService, meetings: MeetingService, demo: DemoIds
) -> None:
    thread_id = await thread_of(chat, demo, "elsa")  # Elsa is 6: Anna acts for her
    bodil = await caller(chat, demo, "bodil")
    view = await meetings.create(
        bodil.actor, title="BVC", thread_id=thread_id, scheduled_at=None, member_ids=[]
    )
    await meetings.mark_live(view.id)  # the first join of a live meeting changes nothing
    rows = await rows_in(db)
    assert [(r.reason, r.user_id) for r in rows] == [("meeting_started", demo.users["anna"])]


async def test_no_notice_row_for_a_channel_turned_off(
    db: Database, chat: ChatService, meetings: MeetingService, demo: DemoIds
) -> None:
    thread_id = await thread_of(chat, demo, "anna")
    async with db.write() as store:  # what PUT /me/notifications {email_enabled: false} does
        pref = await store.notifications.preference_for_update(demo.users["anna"])
        pref.email_enabled = False
    sara = await caller(chat, demo, "sara")
    await meetings.create(
        sara.actor, title="Vårdplanering", thread_id=thread_id, scheduled_at=None, member_ids=[]
    )
    assert await rows_in(db) == []


async def test_the_worker_sends_the_start_text_and_skips_a_meeting_that_ended(
    db: Database, chat: ChatService, meetings: MeetingService, demo: DemoIds, mail: MailSink
) -> None:
    sender = EmailSender(
        SmtpSettings.from_url(f"smtp://127.0.0.1:{mail.port}"),
        "Nära <noreply@nara.test>",
        public_url=PUBLIC_URL,
    )
    worker = DeliveryWorker(db, {"email": sender}, WorkerSettings())
    try:
        sara = await caller(chat, demo, "sara")
        thread_id = await thread_of(chat, demo, "anna")
        first = await meetings.create(
            sara.actor, title="Första", thread_id=thread_id, scheduled_at=None, member_ids=[]
        )
        assert await worker.run_once() == 1
        [got] = await mail.wait_for(1)
        assert got.message["Subject"] == texts.MEETING_SUBJECT
        # SMTP carries CRLF line ends; the text is exactly the start notice.
        assert got.body.replace("\r\n", "\n") == texts.email_body(PUBLIC_URL, "meeting_started")
        # Held back (say, quiet hours) until after the meeting ended: not sent at all.
        second = await meetings.create(
            sara.actor, title="Andra", thread_id=thread_id, scheduled_at=None, member_ids=[]
        )
        await meetings.set_status(second.id, MeetingStatus.ENDED)
        assert await worker.run_once() == 1
        rows = {r.topic: r for r in await rows_in(db)}
        assert rows[f"meeting-start:{first.id}"].state == "sent"
        gone = rows[f"meeting-start:{second.id}"]
        assert (gone.state, gone.note) == ("skipped", "meeting_ended")
        assert len(mail.mails) == 1
    finally:
        await sender.close()


async def test_sms_and_push_carry_the_start_text(
    db: Database, chat: ChatService, demo: DemoIds, standin: HttpStandIn
) -> None:
    """SMS through the 46elks adapter to the stand-in gateway; Web Push's payload the same."""
    async with db.write() as store:  # Anna verified her phone and turned SMS on
        pref = await store.notifications.preference_for_update(demo.users["anna"])
        pref.email_enabled = False
        pref.phone, pref.phone_verified_at, pref.sms_enabled = "+46701234567", utcnow(), True
    service = MeetingService(db)
    service.followup = Followup(NoticeSettings(channels=frozenset({"sms"})))
    sms = SmsSender(ElksSms(standin.url, "u123:secret"))
    worker = DeliveryWorker(db, {"sms": sms}, WorkerSettings())
    try:
        thread_id = await thread_of(chat, demo, "anna")
        sara = await caller(chat, demo, "sara")
        await service.create(
            sara.actor, title="Vårdplanering", thread_id=thread_id, scheduled_at=None,
            member_ids=[],
        )
        assert await worker.run_once() == 1
        await standin.wait(lambda: standin.sms)
    finally:
        await sms.close()
    [got] = standin.sms
    assert got["to"] == "+46701234567" and got["message"] == texts.MEETING_SV
    push = texts.push_payload("meeting_started")
    assert (push["title"], push["body"], push["url"]) == (
        texts.MEETING_SUBJECT, texts.MEETING_SV, "/"
    )
    assert push["tag"] != texts.push_payload()["tag"]  # does not replace a message notice
