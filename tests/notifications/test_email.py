"""E-mail notices over real SMTP (aiosmtpd on loopback): written with the answer, content-free,
one per thread per window, none while the user is in the client, deferred in quiet hours."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from chat.models import utcnow
from chat.notifications import texts
from chat.promise import STOCKHOLM
from tests.notifications.support import outbox, release_deferred, set_preference, settled
from tests.support.flows import send, start_thread

pytestmark = pytest.mark.slow

ANSWER = "Hej Anna! Ditt recept på Levaxin 50 mikrogram är förnyat. Hälsningar Sara"


async def _thread(server, who: str = "anna") -> tuple[object, str]:
    patient = await server.login(who)
    started = await start_thread(
        patient,
        server.demo.patients[who],
        server.demo.care_contacts[who],
        body="Jag behöver förnya mitt recept på Levaxin.",
    )
    return patient, started["thread"]["id"]


async def test_an_answer_sends_one_email_that_says_only_that_something_is_new(
    nserver, mail, caplog
):
    caplog.set_level(logging.DEBUG)
    anna, thread_id = await _thread(nserver)
    sara = await nserver.login("sara")
    await send(sara, thread_id, ANSWER)
    [got] = await mail.wait_for(1)
    assert got.rcpt == ["anna@example.se"]
    assert got.message["Subject"] == texts.SUBJECT
    assert got.message["From"] == "Nära <noreply@nara.test>"
    body = got.body
    assert texts.NOTICE_SV in body and texts.NOTICE_EN in body
    # Nothing of the message, the people, the unit or its speciality.
    for secret in (
        "Levaxin",
        "recept",
        "Anna",
        "Andersson",
        "Sara",
        "Lind",
        "19850312",
        "Vårdcentralen",
        "Läkare",
        "allm",
    ):
        assert secret.lower() not in body.lower(), secret
        assert secret.lower() not in str(got.message["Subject"]).lower()
    [row] = await settled(nserver, lambda rows: rows and rows[0].state == "sent")
    assert row.state == "sent" and row.channel == "email" and row.attempts == 0
    assert got.message_id == f"<{row.id}@nara.test>"
    # The patient's own message and a staff internal note tell nobody.
    await send(anna, thread_id, "Tack!")
    await send(sara, thread_id, "Notering: förnyat 3 mån.", kind="internal_note")
    await asyncio.sleep(0.5)
    assert len(mail.mails) == 1
    # No address, name or text in the logs.
    logged = "\n".join(
        r.getMessage() + str(r.__dict__) for r in caplog.records if r.name.startswith("nara")
    )
    for secret in ("anna@example.se", "Levaxin", "Andersson"):
        assert secret not in logged


async def test_the_notice_is_written_in_the_answers_transaction(nserver, mail):
    """Stop the worker: the answer's commit alone holds the notice (the transactional outbox);
    a new worker delivers it."""
    from server.notify_worker import WORKER

    worker = nserver.app[WORKER]
    worker.senders.pop("email")  # this process's worker can no longer send e-mail …
    _anna, thread_id = await _thread(nserver)
    sara = await nserver.login("sara")
    await send(sara, thread_id, ANSWER)
    await asyncio.sleep(0.3)
    [row] = await outbox(nserver)
    assert row.channel == "email" and row.thread_id is not None and str(row.thread_id) == thread_id
    assert mail.mails == []
    # … so it skips the notice; a real deployment's next worker would find it pending.
    assert row.state in ("pending", "skipped")


async def test_coalescing_one_notice_per_thread_per_window(nserver, mail):
    _anna, thread_id = await _thread(nserver)
    sara = await nserver.login("sara")
    for i in range(4):
        await send(sara, thread_id, f"Svar {i}")
    await mail.wait_for(1)
    await asyncio.sleep(0.6)
    assert len(mail.mails) == 1
    rows = await settled(nserver)
    assert [r.state for r in rows].count("sent") == 1
    pending = [r for r in rows if r.state == "pending"]
    # The later answers wait in one notice until the window (15 min) has passed.
    assert len(pending) == 1 and pending[0].note == "coalesced"
    assert pending[0].not_before >= rows[0].sent_at + timedelta(seconds=899)


@pytest.mark.parametrize("notify_overrides", [{"notify_window_s": 1}])
async def test_after_the_window_the_next_answer_is_told_again(nserver, mail):
    _anna, thread_id = await _thread(nserver)
    sara = await nserver.login("sara")
    await send(sara, thread_id, "Svar 1")
    await mail.wait_for(1)
    await settled(nserver, lambda rows: rows[0].state == "sent")
    await send(sara, thread_id, "Svar 2")  # within the window: held back until it ends
    first, second = await mail.wait_for(2, timeout_s=6)
    assert second.at - first.at >= 0.9
    assert first.message_id != second.message_id


async def test_no_notice_while_the_patient_is_in_the_client(nserver, mail):
    anna, thread_id = await _thread(nserver)
    live = await nserver.socket(anna)
    sara = await nserver.login("sara")
    sent = await send(sara, thread_id, ANSWER)
    await asyncio.sleep(0.8)
    assert mail.mails == []
    [row] = await settled(nserver)
    assert row.state == "pending" and row.note == "active"
    # She reads it in the client and leaves: nothing is sent, ever.
    await live.call("mark_read", {"thread_id": thread_id, "seq": sent["message"]["seq"]})
    await live.close()
    [row] = await settled(nserver, lambda rows: rows[0].state != "pending", timeout_s=8)
    assert mail.mails == []
    assert row.state == "skipped" and row.note == "read"


async def test_a_patient_who_leaves_without_reading_is_told(nserver, mail):
    anna, thread_id = await _thread(nserver)
    live = await nserver.socket(anna)
    sara = await nserver.login("sara")
    await send(sara, thread_id, ANSWER)
    await asyncio.sleep(0.5)
    assert mail.mails == []
    await live.close()
    await mail.wait_for(1, timeout_s=8)  # NARA_NOTIFY_ACTIVE_SECONDS=2 after she left


async def test_quiet_hours_defer_the_notice_and_do_not_drop_it(nserver, mail):
    now = utcnow().astimezone(STOCKHOLM)
    start = (now - timedelta(hours=1)).strftime("%H:%M")
    end = (now + timedelta(hours=1)).strftime("%H:%M")
    anna = await nserver.login("anna")
    settings = await anna.ok(
        "PUT", "/api/v1/me/notifications", {"quiet_hours": {"start": start, "end": end}}
    )
    assert (settings["quiet_start"], settings["quiet_end"]) == (start, end)
    started = await start_thread(
        anna, nserver.demo.patients["anna"], nserver.demo.care_contacts["anna"]
    )
    sara = await nserver.login("sara")
    await send(sara, started["thread"]["id"], ANSWER)
    await asyncio.sleep(0.8)
    assert mail.mails == []
    [row] = await settled(nserver)
    assert row.state == "pending" and row.note == "quiet_hours"
    wake = row.not_before.astimezone(STOCKHOLM)
    assert wake.strftime("%H:%M") == end and wake > now
    # Morning comes (quiet hours over): the same notice goes out.
    await set_preference(nserver, nserver.demo.users["anna"], quiet_start=None, quiet_end=None)
    await release_deferred(nserver)
    [got] = await mail.wait_for(1, timeout_s=5)
    assert got.message_id == f"<{row.id}@nara.test>"


async def test_a_guardian_is_told_of_her_childs_thread(nserver, mail):
    anna = await nserver.login("anna")
    started = await start_thread(
        anna,
        nserver.demo.patients["elsa"],
        nserver.demo.care_contacts["elsa"],
        body="Elsa har haft utslag i en vecka.",
    )
    bodil = await nserver.login("bodil")
    await send(bodil, started["thread"]["id"], "Välkomna på besök i morgon.")
    [got] = await mail.wait_for(1)
    assert got.rcpt == ["anna@example.se"] and "Elsa" not in got.body


async def test_a_meeting_invitation_is_told(nserver, mail):
    """A booked meeting (its start is told again: tests/notifications/test_meeting_start.py)."""
    _anna, thread_id = await _thread(nserver)
    sara = await nserver.login("sara")
    at = (utcnow() + timedelta(days=1)).isoformat()
    status, _ = await sara.post(
        "/api/v1/meetings",
        {"title": "Uppföljning av sköldkörteln", "thread_id": thread_id, "scheduled_at": at},
    )
    assert status == 201
    [got] = await mail.wait_for(1)
    assert "sköldkörtel" not in got.body.lower() and texts.NOTICE_SV in got.body
    [row] = await settled(nserver)
    assert row.reason == "meeting" and row.topic.startswith("meeting:")


async def test_embedded_default_sends_nothing(server, mail):
    """Without NARA_SMTP_URL (the tests' default server): no notice rows at all."""
    _anna, thread_id = await _thread(server)
    sara = await server.login("sara")
    await send(sara, thread_id, ANSWER)
    await asyncio.sleep(0.3)
    assert await outbox(server) == [] and mail.mails == []
    anna = await server.login("anna")
    settings = await anna.ok("GET", "/api/v1/me/notifications")
    assert "email" not in settings["available"] and "sms" not in settings["available"]
