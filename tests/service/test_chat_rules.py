"""ChatService rules, called directly on a real database (no HTTP, no sockets)."""

from __future__ import annotations

import uuid

import pytest

from chat.errors import ErrorCode, NaraError
from chat.events import patient_room, team_room
from chat.management import ThreadManagement
from chat.models import MessageKind, ThreadStatus
from chat.service import ChatService
from server.demo import DemoIds
from tests.service.conftest import People, RecordedEvents, anna_thread, text


async def test_first_message_is_seq_one_and_announced_after_commit(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    # One event for the staff side, one shaped for the patient side (its own sequence).
    message, patient_side = live.of("message")
    assert message.payload["message"]["seq"] == 1 == patient_side.payload["message"]["seq"]
    assert patient_side.audiences == [patient_room(demo.patients["anna"])]
    assert team_room(demo.teams["allman"]) in message.audiences
    assert patient_room(demo.patients["anna"]) not in message.audiences
    assert live.of("thread_updated")[0].payload == {"thread_id": str(thread_id)}
    # What the event announced can be read back: it was committed before it was sent.
    history = await chat.history(await as_("sara"), thread_id)
    assert [m.id for m in history] == [uuid.UUID(message.payload["message"]["id"])]


async def test_resend_with_same_client_id_is_a_duplicate_and_another_body_a_mismatch(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    anna = await as_("anna")
    new = text("Glömde fråga om dosen.")
    first = await chat.send(anna, thread_id, new)
    again = await chat.send(anna, thread_id, new)
    assert not first.duplicate and again.duplicate
    assert again.message.id == first.message.id and again.message.seq == 2
    # The replay tells the thread nothing new (at most the sender's own connections).
    replayed = live.of("message")[4:]  # two events each for the first two messages
    assert all(team_room(demo.teams["allman"]) not in e.audiences for e in replayed)
    changed = type(new)(client_id=new.client_id, body="Något annat")
    with pytest.raises(NaraError) as err:
        await chat.send(anna, thread_id, changed)
    assert err.value.code == ErrorCode.IDEMPOTENCY_MISMATCH


async def test_internal_notes_never_reach_the_patient(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    sara, anna = await as_("sara"), await as_("anna")
    note = await chat.send(sara, thread_id, text("Ring henne i morgon.", kind="internal_note"))
    event = live.of("message")[-1]
    assert patient_room(demo.patients["anna"]) not in event.audiences
    assert team_room(demo.teams["allman"]) in event.audiences
    assert [m.seq for m in await chat.history(anna, thread_id)] == [1]
    assert note.message.seq in [m.seq for m in await chat.history(sara, thread_id)]
    (view,) = await chat.list_threads(anna)
    assert view.unread == 0
    with pytest.raises(NaraError) as err:
        await chat.send(anna, thread_id, text("x", kind=MessageKind.INTERNAL_NOTE))
    assert err.value.code == ErrorCode.FORBIDDEN


async def test_internal_typing_only_reaches_staff(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    await chat.typing(await as_("sara"), thread_id, internal=True)
    await chat.typing(await as_("anna"), thread_id, internal=True)  # a patient cannot hide it
    staff_only, patient = live.of("typing")
    assert staff_only.payload["internal"] is True
    assert patient_room(demo.patients["anna"]) not in staff_only.audiences
    assert patient.payload["internal"] is False
    assert patient_room(demo.patients["anna"]) in patient.audiences


async def test_a_closed_thread_refuses_the_patient_but_not_staff(
    chat: ChatService,
    management: ThreadManagement,
    as_: People,
    demo: DemoIds,
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    sara = await as_("sara")
    view = await management.set_status(sara, thread_id, ThreadStatus.CLOSED)
    assert view.status == ThreadStatus.CLOSED
    with pytest.raises(NaraError) as err:
        await chat.send(await as_("anna"), thread_id, text("En fråga till"))
    assert err.value.code == ErrorCode.THREAD_CLOSED
    after = await chat.send(sara, thread_id, text("Vi har svarat per telefon."))
    assert after.message.seq == 3  # 1: Anna, 2: the status note, 3: Sara


async def test_read_marks_only_move_forward_and_never_past_the_last_message(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    sara = await as_("sara")
    await chat.send(sara, thread_id, text("Svar 1"))
    await chat.send(sara, thread_id, text("Svar 2"))
    anna = await as_("anna")
    assert await chat.mark_read(anna, thread_id, 99) == 3
    assert await chat.mark_read(anna, thread_id, 1) == 3
    assert [e.payload["seq"] for e in live.of("read")] == [3, 3, 3, 3]  # staff, patient side


async def test_the_patient_side_counts_its_own_sequence_around_internal_notes(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    sara, anna = await as_("sara"), await as_("anna")
    await chat.send(sara, thread_id, text("Ring henne.", kind="internal_note"))
    answer = await chat.send(sara, thread_id, text("Vi ringer i morgon."))
    assert (answer.message.seq, answer.message.patient_seq) == (3, 2)
    staff_event, patient_event = live.of("message")[-2:]
    assert staff_event.payload["message"]["seq"] == 3
    assert patient_event.payload["message"]["seq"] == 2
    assert patient_event.audiences == [patient_room(demo.patients["anna"])]
    assert [m.seq for m in await chat.history(anna, thread_id)] == [1, 2]
    assert [m.seq for m in await chat.history(anna, thread_id, after_seq=1)] == [2]
    assert await chat.mark_read(anna, thread_id, 2) == 2
    marks = {m.user.id: m.seq for m in await chat.read_marks(sara, thread_id)}
    assert marks[demo.users["anna"]] == 3  # staff count the note
    (view,) = await chat.list_threads(anna)
    assert (view.last_seq, view.read_seq, view.unread) == (2, 2, 0)


async def test_a_file_request_is_staff_only_and_opens_attachments(
    chat: ChatService, as_: People, demo: DemoIds
) -> None:
    thread_id = await anna_thread(chat, as_, demo)
    with pytest.raises(NaraError) as err:
        await chat.send(await as_("anna"), thread_id, text("Bild?", request_files=True))
    assert err.value.code == ErrorCode.FORBIDDEN
    result = await chat.send(
        await as_("sara"), thread_id, text("Skicka en bild", request_files=True)
    )
    assert result.message.event == {"type": "file_request"}
    view = await chat.get_thread(await as_("anna"), thread_id)
    assert view.attachments_allowed and view.status == ThreadStatus.WAITING_FOR_PATIENT


async def test_staff_start_threads_only_for_their_team_and_with_a_care_relation(
    chat: ChatService, as_: People, demo: DemoIds
) -> None:
    sara, olle = await as_("sara"), await as_("olle")
    kwargs = {"subject": "Provsvar", "first": text("Dina prover är klara.")}
    with pytest.raises(NaraError) as err:
        await chat.create_thread(
            sara, patient_id=demo.patients["bertil"], team_id=demo.teams["rehab"], **kwargs
        )
    assert (err.value.code, err.value.message) == (ErrorCode.NOT_FOUND, "team not found")
    with pytest.raises(NaraError) as err:  # Bertil is listed elsewhere: like no patient
        await chat.create_thread(
            olle, patient_id=demo.patients["bertil"], team_id=demo.teams["vaster"], **kwargs
        )
    assert err.value.message == "patient not found"
    made = await chat.create_thread(
        sara, patient_id=demo.patients["bertil"], team_id=demo.teams["allman"], **kwargs
    )
    assert made.thread is not None and made.thread.team.key == "allman"


async def test_a_patient_writes_only_for_themselves_or_a_child_they_act_for(
    chat: ChatService, as_: People, demo: DemoIds
) -> None:
    anna = await as_("anna")
    with pytest.raises(NaraError) as err:
        await chat.create_thread(
            anna,
            patient_id=demo.patients["bertil"],
            subject="x",
            first=text("x"),
            care_contact_id=demo.care_contacts["bertil"],
        )
    assert err.value.message == "patient not found"
    made = await chat.create_thread(
        anna,
        patient_id=demo.patients["elsa"],
        subject="Elsa hostar",
        first=text("Elsa har hostat i en vecka."),
        care_contact_id=demo.care_contacts["elsa"],
    )
    assert made.thread is not None and made.thread.team.key == "bvc"
    assert [t.id for t in await chat.list_threads(await as_("bodil"))] == [made.thread.id]


async def test_what_belongs_with_a_new_thread_is_stored_with_it_or_not_at_all(
    chat: ChatService, as_: People, demo: DemoIds, live: RecordedEvents
) -> None:
    """A case type's answers or an invånarärende are stored in the thread's own transaction:
    when storing them fails, there is no thread either, and nothing was announced."""
    anna = await as_("anna")
    seen: list[uuid.UUID] = []

    async def fails(store: object, thread_id: uuid.UUID, first: object) -> None:
        seen.append(thread_id)
        raise RuntimeError("injected fault")

    with pytest.raises(RuntimeError):
        await chat.create_thread(
            anna,
            patient_id=demo.patients["anna"],
            subject="Förnya recept",
            first=text("Hej, formuläret."),
            care_contact_id=demo.care_contacts["anna"],
            then=fails,
        )
    assert len(seen) == 1  # it ran, inside the transaction
    assert await chat.list_threads(anna) == []
    assert live.of("message") == [] and live.of("thread_updated") == []
    # The same request again, now without a fault: stored once, as a new thread.
    again = await chat.create_thread(
        anna,
        patient_id=demo.patients["anna"],
        subject="Förnya recept",
        first=text("Hej, formuläret."),
        care_contact_id=demo.care_contacts["anna"],
    )
    assert again.thread is not None and again.thread.id != seen[0] and not again.duplicate
