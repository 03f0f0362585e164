"""The live meeting state machine (signaling/live.py) without Socket.IO: who waits, who is
admitted, what a host may do, rejoining, the grace period and the end. The transport records
what would have been emitted to which room or connection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from chat.errors import ErrorCode, NaraError
from signaling.live import LiveMeetings, LiveSettings
from signaling.meeting_models import Role
from signaling.meetings import Entry


@dataclass
class RecordedTransport:
    emitted: list[tuple[str, Any, str | list[str]]] = field(default_factory=list)
    rooms: dict[str, set[str]] = field(default_factory=dict)

    async def emit(self, event: str, data: Any, to: str | Sequence[str]) -> None:
        self.emitted.append((event, data, to if isinstance(to, str) else list(to)))

    async def enter_room(self, sid: str, room: str) -> None:
        self.rooms.setdefault(sid, set()).add(room)

    async def leave_room(self, sid: str, room: str) -> None:
        self.rooms.get(sid, set()).discard(room)

    def to(self, target: str, event: str) -> list[Any]:
        return [d for e, d, t in self.emitted if e == event and t == target]


@dataclass
class Meeting:
    live: LiveMeetings
    t: RecordedTransport
    id: uuid.UUID
    ended: list[uuid.UUID]
    max_participants: int = 4

    def entry(self, role: Role, name: str, user_id: uuid.UUID | None = None) -> Entry:
        return Entry(
            meeting_id=self.id,
            thread_id=None,
            max_participants=self.max_participants,
            role=role,
            name=name,
            user_id=user_id,
            profession=None,
        )

    async def join(
        self, sid: str, role: Role, user_id: uuid.UUID | None = None, rejoin: str | None = None
    ) -> dict[str, Any]:
        uid = user_id if user_id is not None or role == Role.GUEST else uuid.uuid4()
        return await self.live.join(sid, self.entry(role, sid, uid), rejoin)

    @property
    def room(self) -> str:
        return f"meeting:{self.id}"


@pytest.fixture
def meeting() -> Meeting:
    t = RecordedTransport()
    ended: list[uuid.UUID] = []

    async def on_end(meeting_id: uuid.UUID) -> None:
        ended.append(meeting_id)

    live = LiveMeetings(t, LiveSettings(reconnect_grace_s=0.05), on_end=on_end)
    return Meeting(live, t, uuid.uuid4(), ended)


async def test_patients_wait_until_a_host_admits_them(meeting: Meeting) -> None:
    host = await meeting.join("host", Role.HOST)
    assert host["participant"]["state"] == "admitted" and "ice_servers" in host
    patient = await meeting.join("patient", Role.PATIENT)
    assert patient["participant"]["state"] == "waiting" and "ice_servers" not in patient
    waiting = meeting.t.to(f"{meeting.room}:hosts", "waiting_room")[-1]["waiting"]
    assert [w["id"] for w in waiting] == [patient["participant"]["id"]]
    # The waiting patient is in no media room, may not chat, and may not signal.
    assert meeting.room not in meeting.t.rooms["patient"]
    for call in (
        meeting.live.chat("patient", "hallå?"),
        meeting.live.relay_signal("patient", host["participant"]["id"], {"sdp": "x"}),
    ):
        with pytest.raises(NaraError) as err:
            await call
        assert err.value.code == ErrorCode.NOT_ADMITTED
    await meeting.live.admit("host", patient["participant"]["id"])
    (admitted,) = meeting.t.to("patient", "admitted")
    assert {p["id"] for p in admitted["participants"]} == {
        host["participant"]["id"],
        patient["participant"]["id"],
    }
    assert meeting.room in meeting.t.rooms["patient"]


async def test_only_an_admitted_host_may_admit_remove_or_end(meeting: Meeting) -> None:
    await meeting.join("host", Role.HOST)
    await meeting.join("nurse", Role.STAFF)
    guest = await meeting.join("guest", Role.GUEST)
    for call in (
        meeting.live.admit("nurse", guest["participant"]["id"]),
        meeting.live.remove("nurse", guest["participant"]["id"]),
        meeting.live.end("nurse"),
    ):
        with pytest.raises(NaraError) as err:
            await call
        assert err.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(NaraError) as err:
        await meeting.live.admit("host", "p-nobody")
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_the_meeting_is_full_at_its_limit(meeting: Meeting) -> None:
    meeting.max_participants = 2
    await meeting.join("host", Role.HOST)
    await meeting.join("patient", Role.PATIENT)  # waiting counts too
    with pytest.raises(NaraError) as err:
        await meeting.join("third", Role.STAFF)
    assert err.value.code == ErrorCode.MEETING_FULL


async def test_a_removed_account_comes_back_through_the_waiting_room(meeting: Meeting) -> None:
    await meeting.join("host", Role.HOST)
    nurse_id = uuid.uuid4()
    nurse = await meeting.join("nurse", Role.STAFF, nurse_id)
    assert nurse["participant"]["state"] == "admitted"
    await meeting.live.remove("host", nurse["participant"]["id"])
    assert meeting.t.to("nurse", "removed") == [{"reason": "removed_by_host"}]
    back = await meeting.join("nurse-again", Role.STAFF, nurse_id)
    assert back["participant"]["state"] == "waiting"


async def test_a_guest_rejoins_with_the_token_and_only_with_it(meeting: Meeting) -> None:
    await meeting.join("host", Role.HOST)
    guest = await meeting.join("guest", Role.GUEST)
    await meeting.live.admit("host", guest["participant"]["id"])
    await meeting.live.disconnected("guest")
    back = await meeting.join("guest-2", Role.GUEST, rejoin=guest["rejoin"])
    assert back["participant"]["id"] == guest["participant"]["id"]
    assert back["participant"]["state"] == "admitted"  # no second wait after a dropped line
    assert back["participant"]["session"] == guest["participant"]["session"] + 1
    stranger = await meeting.join("guest-3", Role.GUEST, rejoin="not-the-token")
    assert stranger["participant"]["id"] != guest["participant"]["id"]
    assert stranger["participant"]["state"] == "waiting"


async def test_a_dropped_connection_keeps_its_place_for_the_grace_period(
    meeting: Meeting,
) -> None:
    await meeting.join("host", Role.HOST)
    nurse = await meeting.join("nurse", Role.STAFF)
    await meeting.live.disconnected("nurse")
    listed = meeting.t.to(meeting.room, "participants")[-1]["participants"]
    assert [p["connected"] for p in listed if p["id"] == nurse["participant"]["id"]] == [False]
    await asyncio.sleep(0.2)
    assert meeting.t.to(meeting.room, "left")[-1] == {"participant_id": nurse["participant"]["id"]}


async def test_the_last_to_leave_closes_it_and_only_a_hosts_end_ends_it(
    meeting: Meeting,
) -> None:
    await meeting.join("host", Role.HOST)
    await meeting.live.leave("host")
    assert meeting.id not in meeting.live.meetings and meeting.ended == []
    await meeting.join("host", Role.HOST)
    await meeting.join("patient", Role.PATIENT)
    await meeting.live.end("host")
    assert meeting.t.to(f"{meeting.room}:all", "ended") == [{"by": "host"}]
    assert meeting.ended == [meeting.id]
    assert meeting.live.by_sid == {}
    with pytest.raises(NaraError) as err:
        await meeting.live.chat("patient", "hej")
    assert err.value.code == ErrorCode.NOT_FOUND


async def test_mesh_signals_reach_only_admitted_participants(meeting: Meeting) -> None:
    await meeting.join("host", Role.HOST)
    nurse = await meeting.join("nurse", Role.STAFF)
    waiting = await meeting.join("patient", Role.PATIENT)
    await meeting.live.relay_signal("host", nurse["participant"]["id"], {"sdp": "offer"})
    (signal,) = meeting.t.to("nurse", "signal")
    assert signal["sdp"] == "offer" and signal["from"].startswith("p")
    with pytest.raises(NaraError) as err:
        await meeting.live.relay_signal("host", waiting["participant"]["id"], {"sdp": "offer"})
    assert err.value.code == ErrorCode.NOT_FOUND
