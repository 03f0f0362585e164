"""Video meetings in the server: the /video Socket.IO namespace and its resources."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any, Literal

import socketio
from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints, field_validator

from chat.errors import ErrorCode, NaraError
from chat.service import Caller, NewMessage
from server.api.registry import validation_error
from server.api.schemas import Strict
from server.config import Config
from server.keys import CHAT, CONFIG, DB, LIVE, MEETINGS, SIO
from server.sockets import StrictNamespace, handshake
from signaling.janus_pool import JanusPool, JanusServerConfig
from signaling.live import LiveMeetings, LiveSettings
from signaling.meeting_models import MeetingStatus
from signaling.meetings import MeetingService
from signaling.turn import TurnSettings

log = logging.getLogger("nara.video")
VIDEO_NAMESPACE = "/video"
MAX_SDP = 64_000


class Description(Strict):
    type: Literal["offer", "answer"]
    sdp: Annotated[str, StringConstraints(min_length=10, max_length=MAX_SDP)]

    @field_validator("sdp")
    @classmethod
    def looks_like_sdp(cls, v: str) -> str:
        if not v.startswith("v=0") or "m=" not in v:
            raise ValueError("not an SDP session description")
        return v


class Candidate(Strict):
    candidate: Annotated[str, StringConstraints(max_length=1024)]
    sdpMid: Annotated[str, StringConstraints(max_length=32)] | None = None  # noqa: N815
    sdpMLineIndex: Annotated[int, Field(ge=0, le=64)] | None = None  # noqa: N815

    @field_validator("candidate")
    @classmethod
    def looks_like_candidate(cls, v: str) -> str:
        if v and not v.startswith(("candidate:", "a=candidate:")):
            raise ValueError("not an ICE candidate")
        return v


Pid = Annotated[str, StringConstraints(pattern=r"^p[0-9a-f]{12}$")]


class JoinEvent(Strict):
    meeting_id: uuid.UUID
    invite: Annotated[str, StringConstraints(min_length=20, max_length=100)] | None = None
    rejoin: Annotated[str, StringConstraints(min_length=20, max_length=100)] | None = None


class TargetEvent(Strict):
    participant_id: Pid


class MuteEvent(TargetEvent):
    kind: Literal["audio", "video"] = "audio"


class SignalEvent(Strict):
    to: Pid
    description: Description | None = None
    candidate: Candidate | None = None


class MediaStateEvent(Strict):
    audio: bool
    video: bool
    screen: bool = False


class ChatEvent(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class PublishEvent(Strict):
    offer: Description


class SubscribeEvent(Strict):
    participant_ids: list[Pid] = Field(min_length=1, max_length=16)


class AnswerEvent(Strict):
    subscription_id: Annotated[str, StringConstraints(pattern=r"^s\d{1,9}$")]
    answer: Description


class TrickleEvent(Strict):
    target: Annotated[str, StringConstraints(pattern=r"^(publisher|s\d{1,9})$")]
    candidate: Candidate | None = None


class Empty(Strict):
    pass


def _event(model: type[BaseModel]) -> Any:
    """Validate, run, and answer every failure as an ``{"error": ...}`` ack."""

    def wrap(fn: Any) -> Any:
        async def handler(self: VideoNamespace, sid: str, data: Any = None) -> Any:
            try:
                try:
                    parsed = model.model_validate({} if data is None and model is Empty else data)
                except Exception as exc:
                    if hasattr(exc, "errors"):
                        raise validation_error(exc) from exc  # type: ignore[arg-type]
                    raise
                return {"ok": True, **((await fn(self, sid, parsed)) or {})}
            except NaraError as err:
                return {"error": err.to_dict()}
            except Exception:
                log.exception("video event failed", extra={"event": fn.__name__})
                return {"error": NaraError(ErrorCode.INTERNAL, "internal error").to_dict()}

        handler.__name__ = fn.__name__
        return handler

    return wrap


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

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        login = await handshake(self.app, environ, auth)
        await self.save_session(sid, {"user_id": login.user_id, "remote": login.remote})
        self.track(sid, login)

    async def on_disconnect(self, sid: str, *args: Any) -> None:
        await self.app[LIVE].disconnected(sid)

    async def _caller(self, sid: str) -> Caller | None:
        session = await self.get_session(sid)
        if session["user_id"] is None:
            return None
        actor = await self.app[CHAT].actor(session["user_id"])
        return Caller(actor, session["remote"]) if actor else None

    @_event(JoinEvent)
    async def on_join(self, sid: str, data: JoinEvent) -> dict[str, Any]:
        meetings = self.app[MEETINGS]
        caller = await self._caller(sid)
        if data.invite is not None:
            entry = await meetings.entry_for_invite(data.invite, data.meeting_id)
        elif caller is not None:
            entry = await meetings.entry_for_user(
                caller.actor, data.meeting_id, caller.remote_addr
            )
        elif data.rejoin is not None:
            return await self._rejoin_guest(sid, data)
        else:
            raise NaraError(ErrorCode.UNAUTHENTICATED, "log in or use your invitation link")
        await meetings.mark_live(data.meeting_id)
        return await self.app[LIVE].join(sid, entry, data.rejoin)

    async def _rejoin_guest(self, sid: str, data: JoinEvent) -> dict[str, Any]:
        live = self.app[LIVE].meetings.get(data.meeting_id)
        guest = next(
            (
                p
                for p in (live.participants.values() if live else [])
                if p.rejoin_token == data.rejoin
            ),
            None,
        )
        if guest is None:
            raise NaraError(ErrorCode.INVITE_INVALID, "the link is not valid any more")
        return await self.app[LIVE].join(sid, guest.entry, data.rejoin)

    @_event(Empty)
    async def on_leave(self, sid: str, _: Empty) -> None:
        await self.app[LIVE].leave(sid)

    @_event(TargetEvent)
    async def on_admit(self, sid: str, data: TargetEvent) -> None:
        await self.app[LIVE].admit(sid, data.participant_id)

    @_event(TargetEvent)
    async def on_remove(self, sid: str, data: TargetEvent) -> None:
        await self.app[LIVE].remove(sid, data.participant_id)

    @_event(MuteEvent)
    async def on_mute(self, sid: str, data: MuteEvent) -> None:
        await self.app[LIVE].request_mute(sid, data.participant_id, data.kind)

    @_event(Empty)
    async def on_end(self, sid: str, _: Empty) -> None:
        await self.app[LIVE].end(sid)

    @_event(SignalEvent)
    async def on_signal(self, sid: str, data: SignalEvent) -> None:
        if (data.description is None) == (data.candidate is None):
            raise NaraError(ErrorCode.VALIDATION_FAILED, "send a description or a candidate")
        payload = data.model_dump(exclude_none=True, exclude={"to"})
        await self.app[LIVE].relay_signal(sid, data.to, payload)

    @_event(MediaStateEvent)
    async def on_media_state(self, sid: str, data: MediaStateEvent) -> None:
        await self.app[LIVE].media_state(sid, data.audio, data.video, data.screen)

    @_event(ChatEvent)
    async def on_chat(self, sid: str, data: ChatEvent) -> dict[str, Any]:
        return {"stored": await self.app[LIVE].chat(sid, data.body)}

    @_event(PublishEvent)
    async def on_sfu_publish(self, sid: str, data: PublishEvent) -> dict[str, Any]:
        return await self.app[LIVE].sfu_publish(sid, data.offer.model_dump())

    @_event(SubscribeEvent)
    async def on_sfu_subscribe(self, sid: str, data: SubscribeEvent) -> dict[str, Any]:
        return await self.app[LIVE].sfu_subscribe(sid, data.participant_ids)

    @_event(AnswerEvent)
    async def on_sfu_answer(self, sid: str, data: AnswerEvent) -> None:
        await self.app[LIVE].sfu_answer(sid, data.subscription_id, data.answer.model_dump())

    @_event(TrickleEvent)
    async def on_sfu_trickle(self, sid: str, data: TrickleEvent) -> None:
        candidate = data.candidate.model_dump() if data.candidate else None
        await self.app[LIVE].sfu_trickle(sid, data.target, candidate)



def janus_servers(config: Config) -> list[JanusServerConfig]:
    """NARA_JANUS_SERVERS: a JSON list of {name, url, api_secret, admin_url, admin_secret}."""
    if not config.janus_servers_json:
        return []
    return [JanusServerConfig(**item) for item in json.loads(config.janus_servers_json)]


def turn_settings(config: Config) -> TurnSettings | None:
    if not config.turn_secret or not config.turn_urls:
        return None
    return TurnSettings(config.turn_secret, config.turn_urls, config.stun_urls, config.turn_ttl_s)


async def video_ctx(app: web.Application) -> AsyncIterator[None]:
    """Meeting service, live state and the Janus pool: opened and closed with the app."""
    config = app[CONFIG]
    servers = janus_servers(config)
    pool = JanusPool(servers) if servers else None
    meetings = MeetingService(app[DB], max_participants=config.video_max_participants)

    async def store_chat(user_id: uuid.UUID, thread_id: uuid.UUID, body: str) -> None:
        actor = await app[CHAT].actor(user_id)
        if actor is not None:
            new = NewMessage(client_id=f"video-{uuid.uuid4().hex}", body=body)
            await app[CHAT].send(Caller(actor), thread_id, new)

    async def ended(meeting_id: uuid.UUID) -> None:
        await meetings.set_status(meeting_id, MeetingStatus.ENDED)

    settings = LiveSettings(
        mesh_max=config.video_mesh_max,
        reconnect_grace_s=config.video_reconnect_grace_s,
        turn=turn_settings(config),
    )
    app[MEETINGS] = meetings
    app[LIVE] = LiveMeetings(SocketTransport(app[SIO]), settings, pool, store_chat, ended)
    yield
    await app[LIVE].close()
    if pool is not None:
        await pool.close()
