"""Leaving and destroying rooms leaves no handles, sessions or rooms behind on Janus
(checked through the admin API), and the pool places meetings on the emptier instance."""

from __future__ import annotations

import pytest

from signaling.janus import JanusClient, JanusError
from signaling.janus_admin import JanusAdmin
from signaling.janus_pool import JanusPool, JanusServerConfig
from signaling.probe import join_and_publish, leave, subscribe
from tests.video.harness import SMALL_MEDIA, HarnessUnavailable, running_janus

pytestmark = pytest.mark.janus


async def test_leave_and_destroy_clean_up_handles_and_rooms(
    janus_client: JanusClient, janus_admin: JanusAdmin
) -> None:
    control = await janus_client.create_session()
    handle = await control.attach_videoroom()
    room = await handle.create_room(publishers=4)
    a = await join_and_publish(janus_client, room, "cleanup-a", media=SMALL_MEDIA)
    b = await join_and_publish(janus_client, room, "cleanup-b", media=SMALL_MEDIA)
    try:
        await subscribe(a, room, [b.feed_id], media=SMALL_MEDIA)
        await subscribe(b, room, [a.feed_id], media=SMALL_MEDIA)
        handles = await janus_admin.all_handles()
        assert set(handles) == {control.id, a.session.id, b.session.id}
        assert len(handles[a.session.id]) == 2 and len(handles[b.session.id]) == 2
        assert await janus_admin.room_exists(room.room_id)

        await leave(a)
        handles = await janus_admin.all_handles()
        assert a.session.id not in handles
        listed = await handle.list_participants(room.room_id)
        assert [int(x["id"]) for x in listed] == [b.feed_id]
        # The remaining publisher hears that the other one left.
        await b.publisher.wait_for(
            lambda e: (e.get("plugindata") or {}).get("data", {}).get("leaving") == a.feed_id
            or (e.get("plugindata") or {}).get("data", {}).get("unpublished") == a.feed_id
        )

        await handle.destroy_room(room)
        assert not await janus_admin.room_exists(room.room_id)
        assert not await handle.room_exists(room.room_id)
    finally:
        await leave(b)
        await control.destroy()
    assert await janus_admin.list_sessions() == []


async def test_wrong_pin_is_refused(janus_client: JanusClient) -> None:
    control = await janus_client.create_session()
    try:
        handle = await control.attach_videoroom()
        room = await handle.create_room(publishers=2)
        forged = type(room)(room_id=room.room_id, pin="guess", secret="guess", publishers=2)
        joiner = await control.attach_videoroom()
        with pytest.raises(JanusError):
            await joiner.join_publisher(forged, "intruder")
        with pytest.raises(JanusError):
            await handle.destroy_room(forged)
        await handle.destroy_room(room)
    finally:
        await control.destroy()


async def test_pool_places_meetings_on_least_loaded_instance_and_releases() -> None:
    try:
        async with running_janus() as j1, running_janus() as j2:
            configs = [
                JanusServerConfig(name, s.url, s.api_secret, s.admin_url, s.admin_secret)
                for name, s in (("j1", j1), ("j2", j2))
            ]
            pool = JanusPool(configs)
            try:
                m1 = await pool.place("meeting-1", 6)
                m2 = await pool.place("meeting-2", 6)
                m3 = await pool.place("meeting-3", 6)
                assert {m1.server.name, m2.server.name} == {"j1", "j2"}
                assert pool.rooms_per_server() == {"j1": 2, "j2": 1} or (
                    pool.rooms_per_server() == {"j1": 1, "j2": 2}
                )
                # Placement is remembered.
                assert await pool.place("meeting-1", 6) is m1
                assert pool.placement("meeting-3") is m3
                for placed in (m1, m2, m3):
                    admin = pool.admin_for(placed.server)
                    assert admin is not None and await admin.room_exists(placed.room.room_id)
                await pool.release("meeting-1")
                admin = pool.admin_for(m1.server)
                assert admin is not None and not await admin.room_exists(m1.room.room_id)
                assert pool.placement("meeting-1") is None
                # The freed slot is reused.
                m4 = await pool.place("meeting-4", 6)
                assert m4.server.name == m1.server.name
                for key in ("meeting-2", "meeting-3", "meeting-4"):
                    await pool.release(key)
            finally:
                await pool.close()
            for s in (j1, j2):
                admin = JanusAdmin(s.admin_url, s.admin_secret)
                try:
                    assert await admin.list_sessions() == []
                finally:
                    await admin.close()
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))
