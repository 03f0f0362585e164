"""Bad input on /video gets clear error codes: malformed SDP and candidates, unknown
events and meetings, events from people who are not in the meeting."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from server.config import Config
from signaling.client import MeetingClient
from signaling.media import MediaPeer, MediaPeerOptions
from tests.support.backends import Template
from tests.video.harness import JanusServer
from tests.video.meeting_support import Meeting, error_code, running_server, video_config

SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"


@pytest.fixture
async def mesh(base_config: Config, db_template: Template) -> AsyncIterator[Meeting]:
    async with running_server(base_config, db_template.demo) as server:
        m = Meeting(server)
        try:
            yield m
        finally:
            await m.close()


async def test_malformed_signaling_is_refused(mesh: Meeting) -> None:
    await mesh.create("sara")
    sara, lars = await mesh.join("sara"), await mesh.join("lars")
    to = lars.me["id"]
    bad: list[tuple[str, object, str]] = [
        ("signal", {"to": to, "description": {"type": "offer", "sdp": "hello there, Janus"}},
         "validation_failed"),
        ("signal", {"to": to, "description": {"type": "pranswer", "sdp": SDP}},
         "validation_failed"),
        ("signal", {"to": to, "description": {"type": "offer", "sdp": "v=0" + "x" * 70_000}},
         "validation_failed"),
        ("signal", {"to": to, "candidate": {"candidate": "<script>", "sdpMid": "0"}},
         "validation_failed"),
        ("signal", {"to": to, "candidate": {"candidate": "candidate:1", "sdpMLineIndex": -1}},
         "validation_failed"),
        ("signal", {"to": to}, "validation_failed"),
        ("signal", {"to": to, "candidate": {"candidate": ""},
                    "description": {"type": "offer", "sdp": SDP}}, "validation_failed"),
        ("signal", {"to": "lars", "candidate": {"candidate": ""}}, "validation_failed"),
        ("signal", {"to": "p000000000000", "candidate": {"candidate": ""}}, "not_found"),
        ("signal", {"to": to, "candidate": {"candidate": ""}, "extra": 1}, "validation_failed"),
        ("signal", "not an object", "validation_failed"),
        ("admit", {"participant_id": to}, "conflict"),
        ("mute", {"participant_id": to, "kind": "screen"}, "validation_failed"),
        ("sfu_publish", {"offer": {"type": "offer", "sdp": SDP}}, "invalid_request"),
        ("sfu_subscribe", {"participant_ids": [to]}, "invalid_request"),
        ("chat", {"body": ""}, "validation_failed"),
        ("no_such_event", {}, "invalid_request"),
    ]
    for event, data, code in bad:
        assert await error_code(sara.call(event, data)) == code, (event, data)
    # A second join on the same connection is a conflict, not a second participant.
    assert mesh.id is not None
    assert await error_code(sara.join(mesh.id)) == "conflict"
    # None of that reached lars (sara's own client never trickles candidates).
    assert not any(e == "signal" and "candidate" in d  # type: ignore[operator]
                   for e, d in lars.events)


async def test_unknown_meetings_and_events_before_joining(mesh: Meeting) -> None:
    c: MeetingClient = await mesh.client("sara")
    assert await error_code(c.join(uuid.uuid4())) == "not_found"
    assert await error_code(c.call("join", {"meeting_id": "not-a-uuid"})) == "validation_failed"
    assert await error_code(c.call("join", {})) == "validation_failed"
    for event, data in (
        ("leave", {}),
        ("signal", {"to": "p000000000000", "candidate": {"candidate": ""}}),
        ("admit", {"participant_id": "p000000000000"}),
        ("media_state", {"audio": False, "video": True}),
        ("sfu_answer", {"subscription_id": "s1", "answer": {"type": "answer", "sdp": SDP}}),
    ):
        assert await error_code(c.call(event, data)) == "not_found", event


@pytest.mark.janus
async def test_malformed_sfu_requests_are_refused(
    base_config: Config, db_template: Template, janus_server: JanusServer
) -> None:
    config = video_config(base_config, janus=janus_server, video_mesh_max=1)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            await m.create("sara")
            sara = await m.join("sara")
            lars = await m.join("lars")
            assert await lars.wait_until(lambda: lars.topology == "sfu" and bool(lars.feeds))
            # An admitted participant without media of its own speaks the raw protocol.
            raw = await m.client("ulla", auto_media=False)
            assert m.id is not None
            await raw.join(m.id)
            assert raw.topology == "sfu"
            for event, data, code in (
                ("sfu_answer", {"subscription_id": "s1", "answer":
                                {"type": "answer", "sdp": SDP}}, "invalid_request"),
                ("sfu_trickle", {"target": "publisher", "candidate": None}, "invalid_request"),
                ("signal", {"to": sara.me["id"], "description": {"type": "offer", "sdp": SDP}},
                 "invalid_request"),
                # Janus refuses an SDP that only looks like one: a clear error, not a crash.
                ("sfu_publish", {"offer": {"type": "offer", "sdp": SDP}}, "invalid_request"),
                ("sfu_answer", {"subscription_id": "s999999", "answer":
                                {"type": "answer", "sdp": SDP}}, "not_found"),
                ("sfu_trickle", {"target": "s999999", "candidate": None}, "not_found"),
                ("sfu_trickle", {"target": "janus", "candidate": None}, "validation_failed"),
                ("sfu_subscribe", {"participant_ids": ["p000000000000"]}, "not_found"),
                ("sfu_subscribe", {"participant_ids": [raw.me["id"]]}, "not_found"),
                ("sfu_subscribe", {"participant_ids": []}, "validation_failed"),
            ):
                assert await error_code(raw.call(event, data)) == code, event
            # A refused offer may be retried with a real one.
            media = MediaPeer("raw", MediaPeerOptions(width=160, height=120, fps=10))
            try:
                ack = await raw.call("sfu_publish", {"offer": await media.create_offer()})
                await media.apply_answer(ack["answer"])
                assert await lars.wait_until(lambda: raw.me["id"] in lars.subscribed)
                assert await lars.wait_media_from([raw.me["id"]])
                assert await error_code(
                    raw.call("sfu_publish", {"offer": {"type": "offer", "sdp": SDP}})
                ) == "conflict"
            finally:
                await media.close()
            # The meeting is unharmed.
            assert await sara.wait_media_from([lars.me["id"]])
        finally:
            await m.close()
