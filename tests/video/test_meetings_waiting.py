"""The waiting room and host controls through the real Nära server: a waiting patient's
media reaches no one and gets no TURN credentials; hosts see who waits, admit, remove,
ask to mute and end; the others hear when the last host leaves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from server.config import Config
from server.keys import MEETINGS
from signaling.client import MeetingClient
from tests.support.backends import Template
from tests.video.harness import CoturnServer
from tests.video.meeting_support import (
    Meeting,
    all_receive_all,
    error_code,
    running_server,
    video_config,
)

pytestmark = pytest.mark.slow

FAKE_OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
              "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"}


@pytest.fixture
async def meeting(
    base_config: Config, db_template: Template, coturn_server: CoturnServer
) -> AsyncIterator[Meeting]:
    config = video_config(base_config, coturn=coturn_server)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            yield m
        finally:
            await m.close()


def names(events: list[tuple[str, object]]) -> set[str]:
    return {e for e, _ in events}


async def test_waiting_patient_reaches_no_one_until_admitted(meeting: Meeting) -> None:
    await meeting.create("sara")
    sara = await meeting.join("sara")
    lars = await meeting.join("lars")
    assert sara.ice_servers and sara.ice_servers[0]["username"].endswith(":" + sara.me["id"])
    anna = await meeting.client("anna")
    assert meeting.id is not None
    ack = await anna.join(meeting.id)
    assert ack["participant"]["state"] == "waiting" and ack["participant"]["role"] == "patient"
    assert "ice_servers" not in ack and anna.ice_servers == []

    # Both hosts see who waits: name, role and since when.
    for host in (sara, lars):
        assert await host.wait_until(lambda h=host: len(h.waiting) == 1)  # type: ignore[misc]
        waiting = host.waiting[0]
        assert waiting["id"] == anna.me["id"] and waiting["name"] == "Anna Andersson"
        assert waiting["role"] == "patient" and datetime.fromisoformat(waiting["since"])

    # Nothing the waiting patient sends gets through.
    to_sara = {"to": sara.me["id"], "description": FAKE_OFFER}
    assert await error_code(anna.call("signal", to_sara)) == "not_admitted"
    assert await error_code(anna.call("sfu_publish", {"offer": FAKE_OFFER})) == "not_admitted"
    assert await error_code(anna.call("chat", {"body": "hallå?"})) == "not_admitted"
    assert await error_code(
        anna.call("media_state", {"audio": True, "video": True})
    ) == "not_admitted"
    assert await error_code(anna.call("sfu_subscribe", {"participant_ids": [sara.me["id"]]})) \
        == "not_admitted"
    await all_receive_all([sara, lars])
    # The patient saw nothing of the meeting and the staff got nothing from her.
    assert names(anna.events) <= {"waiting_room"} and not anna.mesh
    assert anna.me["id"] not in sara.mesh and anna.me["id"] not in lars.mesh
    assert not any(e == "signal" and d["from"] == anna.me["id"]  # type: ignore[index]
                   for e, d in sara.events + lars.events)
    assert anna.received() == {}

    await meeting.admit(sara, anna)
    assert anna.ice_servers and anna.ice_servers[0]["username"].endswith(":" + anna.me["id"])
    await all_receive_all([sara, lars, anna])
    assert await sara.wait_until(lambda: sara.waiting == [])


async def test_hosts_remove_ask_to_mute_and_end(meeting: Meeting) -> None:
    await meeting.create("sara", members=("fia",))
    sara = await meeting.join("sara")
    fia = await meeting.join("fia")
    assert fia.me["role"] == "staff" and fia.state == "admitted"
    anna = await meeting.join("anna")
    # Only hosts may admit, remove, mute or end.
    target = {"participant_id": anna.me["id"]}
    for event, data in (("admit", target), ("remove", target), ("mute", target), ("end", {})):
        assert await error_code(fia.call(event, data)) == "forbidden"
        assert await error_code(anna.call(event, data)) == "forbidden"
    await meeting.admit(sara, anna)
    await all_receive_all([sara, fia, anna])

    # Ask to mute: the patient's client complies and everyone hears of it.
    await sara.call("mute", {"participant_id": anna.me["id"], "kind": "audio"})
    assert await anna.wait_until(lambda: len(anna.mute_requests) == 1)
    assert anna.mute_requests[0] == {"kind": "audio", "by": "Sara Lind"}
    assert await fia.wait_until(lambda: any(
        e == "media_state" and d["participant_id"] == anna.me["id"]  # type: ignore[index]
        and d["audio"] is False for e, d in fia.events
    ))

    # Remove: fia is out, the others see her leave; back only through the waiting room.
    await sara.call("remove", {"participant_id": fia.me["id"]})
    assert await fia.wait_until(lambda: fia.state == "removed")
    assert await anna.wait_until(lambda: fia.me["id"] not in anna.participants)
    assert await error_code(fia.call("chat", {"body": "hej"})) == "not_found"
    fia2 = await meeting.join("fia")
    assert fia2.state == "waiting"
    assert await sara.wait_until(lambda: [w["id"] for w in sara.waiting] == [fia2.me["id"]])

    # End for all.
    await sara.call("end")
    for c in (sara, anna, fia2):
        assert await c.wait_until(lambda c=c: c.state == "ended")  # type: ignore[misc]
        assert not c.mesh
    assert meeting.id is not None
    view = await meeting.server.app[MEETINGS].get(
        await _actor(meeting, "sara"), meeting.id
    )
    assert view.status == "ended"
    late = await meeting.client("lars")
    assert await error_code(late.join(meeting.id)) == "meeting_ended"
    assert await error_code(anna.call("chat", {"body": "hallå?"})) == "not_found"


async def test_others_are_told_when_the_last_host_leaves(meeting: Meeting) -> None:
    await meeting.create("sara", members=("fia",))
    sara = await meeting.join("sara")
    lars = await meeting.join("lars")
    fia = await meeting.join("fia")
    anna = await meeting.join("anna")
    await meeting.admit(sara, anna)
    await lars.call("leave")
    assert await anna.wait_until(lambda: lars.me["id"] not in anna.participants)
    assert "host_left" not in names(anna.events) | names(fia.events)
    await sara.call("leave")
    for c in (anna, fia):
        assert await c.wait_until(lambda c=c: "host_left" in names(c.events))  # type: ignore[misc]
    # The meeting goes on between those left; a host may come back.
    assert await anna.wait_until(lambda: set(anna.participants) == {anna.me["id"],
                                                                     fia.me["id"]})
    back: MeetingClient = await meeting.join("sara")
    assert back.me["role"] == "host" and back.state == "admitted"


async def _actor(meeting: Meeting, name: str):  # type: ignore[no-untyped-def]
    from server.keys import CHAT

    actor = await meeting.server.app[CHAT].actor(meeting.server.demo.users[name])
    assert actor is not None
    return actor
