"""Meetings through a real Janus VideoRoom (in its own network namespace)."""

from __future__ import annotations

import asyncio

import pytest

from signaling.janus import JanusClient
from signaling.janus_admin import JanusAdmin
from signaling.media import MediaPeer, split_candidates
from signaling.probe import (
    follow_publishers,
    join_and_publish,
    leave,
    probe_janus,
    run_meeting,
    subscribe,
    wait_all_media,
)
from tests.video.harness import SMALL_MEDIA, JanusServer

pytestmark = pytest.mark.janus


async def test_six_party_meeting_everyone_sees_everyone(
    janus_client: JanusClient, janus_admin: JanusAdmin
) -> None:
    control = await janus_client.create_session()
    handle = await control.attach_videoroom()
    room = await handle.create_room(publishers=6)
    participants = await run_meeting(janus_client, room, 6, media=SMALL_MEDIA, timeout_s=30)
    try:
        assert await wait_all_media(participants, timeout_s=40, kinds=("video", "audio"))
        feeds = {p.feed_id for p in participants}
        assert len(feeds) == 6
        for p in participants:
            video, audio = p.video_by_feed(), p.audio_by_feed()
            assert set(video) == feeds - {p.feed_id}, (p.key, video)
            assert all(s.frames > 0 for s in video.values()), (p.key, video)
            assert all(s.first_frame_at is not None for s in video.values())
            assert all((s.width, s.height) == (160, 120) for s in video.values())
            assert set(audio) == feeds - {p.feed_id}, (p.key, audio)
            assert all(s.frames > 0 for s in audio.values()), (p.key, audio)
        listed = await handle.list_participants(room.room_id)
        assert {int(x["id"]) for x in listed if x.get("publisher")} == feeds
        # Every participant's session holds its publisher and subscriber handles.
        sessions = await janus_admin.all_handles()
        for p in participants:
            assert len(sessions[p.session.id]) == 2
    finally:
        await asyncio.gather(*(leave(p) for p in participants))
        await handle.destroy_room(room)
        await control.destroy()


@pytest.mark.parametrize("participants", [1, 2])
async def test_probe_reports_frames_through_the_sfu(
    janus_server: JanusServer, janus_admin: JanusAdmin, participants: int
) -> None:
    # One participant receives its own feed back through Janus.
    report = await probe_janus(janus_server.url, janus_server.api_secret,
                               participants=participants, duration=0.5, media=SMALL_MEDIA)
    assert report["ok"], report
    assert len(report["participants_report"]) == participants
    for entry in report["participants_report"]:
        (frames,) = entry["video_frames"].values()
        assert frames > 0
        (first_ms,) = entry["first_video_frame_ms"].values()
        assert first_ms is not None
    # The probe leaves nothing behind on Janus.
    assert await janus_admin.list_sessions() == []


async def test_probe_without_api_secret_is_refused(janus_server: JanusServer) -> None:
    report = await probe_janus(janus_server.url, "wrong-secret", participants=1)
    assert not report["ok"]
    assert "error" in report


async def test_publisher_connects_with_trickled_candidates(janus_client: JanusClient) -> None:
    control = await janus_client.create_session()
    peer = MediaPeer("trickler", SMALL_MEDIA)
    try:
        handle = await control.attach_videoroom()
        room = await handle.create_room(publishers=2)
        await handle.join_publisher(room, "trickler")
        offer, candidates = split_candidates(await peer.create_offer())
        assert candidates and "a=candidate" not in offer["sdp"]
        answer = await handle.publish(offer)
        await peer.apply_answer(answer)
        for candidate in candidates:
            await handle.trickle(candidate)
        await handle.trickle(None)  # end-of-candidates
        await handle.wait_webrtcup(timeout_s=20)
        assert await peer.wait_connection(timeout_s=20) == "connected"
        await handle.destroy_room(room)
    finally:
        await peer.close()
        await control.destroy()


async def test_late_joiner_is_announced_and_subscribed_to(janus_client: JanusClient) -> None:
    control = await janus_client.create_session()
    handle = await control.attach_videoroom()
    room = await handle.create_room(publishers=3)
    people = []
    try:
        first = await join_and_publish(janus_client, room, "early", media=SMALL_MEDIA)
        people.append(first)
        assert first.joined.publishers == []
        late = await join_and_publish(janus_client, room, "late", media=SMALL_MEDIA)
        people.append(late)
        # The late joiner learns about the early feed in its join answer...
        assert [int(p["id"]) for p in late.joined.publishers] == [first.feed_id]
        # ...and the early one through a "publishers" event.
        announced = await first.publisher.wait_for_publishers(1, timeout_s=20)
        assert set(announced) == {late.feed_id}
        await asyncio.gather(
            subscribe(first, room, [late.feed_id], media=SMALL_MEDIA),
            subscribe(late, room, [first.feed_id], media=SMALL_MEDIA),
        )
        assert await wait_all_media(people, timeout_s=20, kinds=("video", "audio"))
        assert set(first.video_by_feed()) == {late.feed_id}
        assert set(late.video_by_feed()) == {first.feed_id}
    finally:
        await asyncio.gather(*(leave(p) for p in people))
        await handle.destroy_room(room)
        await control.destroy()


async def test_follow_publishers_subscribes_to_everyone_joining_later(
    janus_client: JanusClient,
) -> None:
    control = await janus_client.create_session()
    handle = await control.attach_videoroom()
    room = await handle.create_room(publishers=3)
    people = []
    followers = []
    try:
        for key in ("first", "second", "third"):
            p = await join_and_publish(janus_client, room, key, media=SMALL_MEDIA)
            people.append(p)
            followers.append(asyncio.create_task(follow_publishers(p, room, media=SMALL_MEDIA)))
        feeds = {p.feed_id for p in people}

        def everyone_sees_everyone() -> bool:
            return all(
                set(p.video_by_feed()) == feeds - {p.feed_id}
                and all(st.frames > 0 for st in p.video_by_feed().values())
                for p in people
            )

        # Subscriptions appear as Janus announces the feeds; poll until media flows.
        async with asyncio.timeout(30):
            while not everyone_sees_everyone():
                assert not any(t.done() for t in followers), [t.exception() for t in followers]
                await asyncio.sleep(0.05)
        for p in people:
            assert set(p.video_by_feed()) == feeds - {p.feed_id}
    finally:
        for task in followers:
            task.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
        await asyncio.gather(*(leave(p) for p in people))
        await handle.destroy_room(room)
        await control.destroy()
