"""Video meetings in the server: the /video Socket.IO namespace and its wiring. Handlers parse
and authorise (signaling/meetings.py), then hand the event to the meeting's owner
(signaling/cluster.py), which runs it on the live state (signaling/live.py)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import socketio
from aiohttp import web

from chat.errors import ErrorCode, NaraError
from chat.models import MeetingStatus
from chat.service import Caller, NewMessage
from server.config import Config
from server.keys import CHAT, CONFIG, DB, LIVE, MEETINGS, SIO, TASKS, VIDEO
from server.realtime import CHAT_NAMESPACE
from server.sockets import StrictNamespace, answer_errors, handshake
from signaling import events as ev
from signaling.cluster import Coordination, MeetingRouter, SingleProcess
from signaling.cluster_redis import RedisCoordination
from signaling.janus_pool import JanusPool, JanusServerConfig, PlacedRoom
from signaling.janus_sweep import JanusSweep
from signaling.live import LiveMeetings, LiveSettings
from signaling.live_state import entry_to_dict
from signaling.meetings import MeetingService
from signaling.turn import TurnSettings

log = logging.getLogger("nara.video")
VIDEO_NAMESPACE = ev.NAMESPACE


class SocketTransport:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def emit(self, event: str, data: Any, to: str | Sequence[str]) -> None:
        await self.sio.emit(event, data, to=to, namespace=VIDEO_NAMESPACE)

    async def enter_room(self, sid: str, room: str) -> None:
        await self.sio.enter_room(sid, room, namespace=VIDEO_NAMESPACE)

    async def leave_room(self, sid: str, room: str) -> None:
        await self.sio.leave_room(sid, room, namespace=VIDEO_NAMESPACE)


class VideoNamespace(StrictNamespace):
    """Authenticated like /chat; guests connect without a session and join with a link."""

    def __init__(self, app: web.Application) -> None:
        super().__init__(VIDEO_NAMESPACE, app)
        missing = [e for e in ev.ClientEvent if not hasattr(self, f"on_{e}")]
        assert not missing, missing  # the event list and the handlers are one

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        login = await handshake(self.app, environ, auth)
        await self.save_session(sid, {"user_id": login.user_id, "remote": login.remote})
        self.track(sid, login)

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        await self.app[VIDEO].disconnected(sid)

    async def _caller(self, sid: str) -> Caller | None:
        session = await self.get_session(sid)
        if session["user_id"] is None:
            return None
        actor = await self.app[CHAT].actor(session["user_id"])
        return Caller(actor, session["remote"]) if actor else None

    async def _run(self, sid: str, op: str, **args: Any) -> Any:
        return await self.app[VIDEO].call(None, sid, op, **args)

    @answer_errors(ev.JoinEvent)
    async def on_join(self, sid: str, data: ev.JoinEvent) -> dict[str, Any]:
        meetings = self.app[MEETINGS]
        caller = await self._caller(sid)
        if data.invite is not None:
            entry = await meetings.entry_for_invite(data.invite, data.meeting_id)
        elif caller is not None:
            entry = await meetings.entry_for_user(
                caller.actor, data.meeting_id, caller.remote_addr
            )
        elif data.rejoin is not None:
            entry = await meetings.entry_for_rejoin(data.rejoin, data.meeting_id)
        else:
            raise NaraError(ErrorCode.UNAUTHENTICATED, "log in or use your invitation link")
        await meetings.mark_live(data.meeting_id)
        result: dict[str, Any] = await self.app[VIDEO].call(
            data.meeting_id, sid, "join", entry=entry_to_dict(entry), rejoin=data.rejoin
        )
        return result

    @answer_errors(ev.Empty)
    async def on_leave(self, sid: str, _: ev.Empty) -> None:
        await self._run(sid, "leave")

    @answer_errors(ev.TargetEvent)
    async def on_admit(self, sid: str, data: ev.TargetEvent) -> None:
        await self._run(sid, "admit", pid=data.participant_id)

    @answer_errors(ev.TargetEvent)
    async def on_remove(self, sid: str, data: ev.TargetEvent) -> None:
        await self._run(sid, "remove", pid=data.participant_id)

    @answer_errors(ev.MuteEvent)
    async def on_mute(self, sid: str, data: ev.MuteEvent) -> None:
        await self._run(sid, "request_mute", pid=data.participant_id, kind=data.kind)

    @answer_errors(ev.Empty)
    async def on_end(self, sid: str, _: ev.Empty) -> None:
        await self._run(sid, "end")

    @answer_errors(ev.SignalEvent)
    async def on_signal(self, sid: str, data: ev.SignalEvent) -> None:
        payload = data.model_dump(exclude_none=True, exclude={"to"})
        await self._run(sid, "relay_signal", to=data.to, payload=payload)

    @answer_errors(ev.MediaStateEvent)
    async def on_media_state(self, sid: str, data: ev.MediaStateEvent) -> None:
        await self._run(
            sid, "media_state", audio=data.audio, video=data.video, screen=data.screen
        )

    @answer_errors(ev.ChatEvent)
    async def on_chat(self, sid: str, data: ev.ChatEvent) -> dict[str, Any]:
        return {"stored": await self._run(sid, "chat", body=data.body)}

    @answer_errors(ev.PublishEvent)
    async def on_sfu_publish(self, sid: str, data: ev.PublishEvent) -> dict[str, Any]:
        result: dict[str, Any] = await self._run(sid, "sfu_publish", offer=data.offer.model_dump())
        return result

    @answer_errors(ev.SubscribeEvent)
    async def on_sfu_subscribe(self, sid: str, data: ev.SubscribeEvent) -> dict[str, Any]:
        result: dict[str, Any] = await self._run(
            sid, "sfu_subscribe", participant_ids=data.participant_ids
        )
        return result

    @answer_errors(ev.AnswerEvent)
    async def on_sfu_answer(self, sid: str, data: ev.AnswerEvent) -> None:
        await self._run(
            sid, "sfu_answer", sub_id=data.subscription_id, answer=data.answer.model_dump()
        )

    @answer_errors(ev.TrickleEvent)
    async def on_sfu_trickle(self, sid: str, data: ev.TrickleEvent) -> None:
        candidate = data.candidate.model_dump() if data.candidate else None
        await self._run(sid, "sfu_trickle", target=data.target, candidate=candidate)


def janus_servers(config: Config) -> list[JanusServerConfig]:
    """NARA_JANUS_SERVERS: a JSON list of {name, url, api_secret, admin_url, admin_secret}."""
    if not config.janus_servers_json:
        return []
    return [JanusServerConfig(**item) for item in json.loads(config.janus_servers_json)]


def turn_settings(config: Config) -> TurnSettings | None:
    if not config.turn_secret or not config.turn_urls:
        return None
    return TurnSettings(config.turn_secret, config.turn_urls, config.stun_urls, config.turn_ttl_s)


def coordination_for(config: Config) -> Coordination:
    """With Redis, meetings are shared by every process on the channel; else one process."""
    if config.redis_url:
        return RedisCoordination(
            config.redis_url, config.redis_channel, lease_s=config.video_lease_s
        )
    return SingleProcess()


async def video_ctx(app: web.Application) -> AsyncIterator[None]:
    """Meeting service, live state, the router between processes, the Janus pool and its
    sweep: opened and closed with the app."""
    config = app[CONFIG]
    meetings = MeetingService(app[DB], max_participants=config.video_max_participants)
    coordination = coordination_for(config)

    async def announce(rooms: list[str], payload: dict[str, Any]) -> None:
        await app[SIO].emit("meeting", payload, to=rooms, namespace=CHAT_NAMESPACE)

    meetings.announce = announce

    async def created(placed: PlacedRoom) -> None:
        await meetings.room_created(
            uuid.UUID(placed.meeting_key), placed.server.name, placed.room.room_id,
            placed.room.secret,
        )

    async def destroyed(placed: PlacedRoom) -> None:
        await meetings.room_destroyed(placed.server.name, placed.room.room_id)

    servers = janus_servers(config)
    pool = (
        JanusPool(servers, tag=config.redis_channel, node=coordination.node,
                  bitrate=config.video_bitrate_kbps * 1000,
                  on_created=created, on_destroyed=destroyed)
        if servers
        else None
    )

    async def store_chat(user_id: uuid.UUID, thread_id: uuid.UUID, body: str) -> bool:
        actor = await app[CHAT].actor(user_id)
        if actor is None:  # the account was deactivated during the meeting
            return False
        new = NewMessage(client_id=f"video-{uuid.uuid4().hex}", body=body)
        await app[CHAT].send(Caller(actor), thread_id, new)
        return True

    async def ended(meeting_id: uuid.UUID) -> None:
        await meetings.set_status(meeting_id, MeetingStatus.ENDED)

    settings = LiveSettings(
        mesh_max=config.video_mesh_max,
        reconnect_grace_s=config.video_reconnect_grace_s,
        turn=turn_settings(config),
    )
    live = LiveMeetings(SocketTransport(app[SIO]), settings, pool, store_chat, ended)
    router = MeetingRouter(live, coordination, pool, lease_s=config.video_lease_s)
    app[MEETINGS] = meetings
    app[LIVE] = live
    app[VIDEO] = router
    await router.start()
    if pool is not None:
        sweep = JanusSweep(
            pool,
            router.all_owned_janus,
            meetings.rooms,
            meetings.room_destroyed,
            coordination.alive_nodes,
            require_twice=bool(config.redis_url),
        )
        await _sweep_once(sweep)
        app[TASKS].forever("janus-sweep", lambda: _sweep_forever(sweep, config.janus_sweep_s))
    yield
    await router.close()
    if pool is not None:
        await pool.close()


async def _sweep_once(sweep: JanusSweep) -> None:
    try:
        await sweep.run()
    except Exception:
        log.exception("janus sweep failed")


async def _sweep_forever(sweep: JanusSweep, interval_s: float) -> None:
    while True:
        await asyncio.sleep(interval_s)
        await _sweep_once(sweep)
