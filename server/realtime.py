"""Socket.IO: the /chat namespace and live delivery through Socket.IO rooms.

With ``REDIS_URL`` the server uses python-socketio's Redis manager, so an event published by
one process reaches clients connected to any process.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Annotated, Any

import socketio
from aiohttp import web
from pydantic import Field, model_validator

from chat.access import Actor
from chat.errors import ErrorCode, NaraError
from chat.events import Emission, Part, patient_room, team_room, unit_room, user_room
from chat.service import Caller
from server.api.chat_routes import new_message
from server.api.schemas import MessageIn, Seq, Strict
from server.keys import CHAT
from server.sockets import StrictNamespace, answer_errors, handshake

log = logging.getLogger("nara.realtime")
CHAT_NAMESPACE = "/chat"
ACTOR_TTL_SECONDS = 15.0  # membership changes reach open connections within this time


class SocketLiveEvents:
    """Events go out through the manager's ``emit_parts`` (server/revocation.py): one bus
    message per event, whatever its shapes, and not decoded again by the process that sent
    it. ``publish_events`` (chat.events.BatchLiveEvents) takes a transaction's events as one
    bus message, each leaving out one socket: the one a message was sent on, whose ack
    carries the message and the thread."""

    def __init__(self, sio: socketio.AsyncServer, namespace: str = CHAT_NAMESPACE) -> None:
        self.sio = sio
        self.namespace = namespace

    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        if audiences:
            await self.sio.manager.emit_parts(event, [(payload, audiences)], self.namespace)

    async def publish_parts(self, event: str, parts: Sequence[Part]) -> None:
        await self.sio.manager.emit_parts(event, parts, self.namespace)

    async def publish_events(self, events: Sequence[Emission]) -> None:
        await self.sio.manager.emit_events(events, self.namespace)


class SendEvent(MessageIn):
    thread_id: uuid.UUID


class CatchUpEvent(Strict):
    """``after_seq`` (staff) or ``after_patient_seq`` (the patient side, which counts only
    what it may see): exactly one."""

    thread_id: uuid.UUID
    after_seq: Seq | None = None
    after_patient_seq: Seq | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 200

    @model_validator(mode="after")
    def _one_position(self) -> CatchUpEvent:
        if (self.after_seq is None) == (self.after_patient_seq is None):
            raise ValueError("give after_seq or after_patient_seq")
        return self


class ReadEvent(Strict):
    thread_id: uuid.UUID
    seq: Seq


class TypingEvent(Strict):
    thread_id: uuid.UUID
    internal: bool = False


def rooms_for(actor: Actor) -> list[str]:
    rooms = [user_room(actor.user_id)]
    rooms += [patient_room(p) for p in sorted(actor.patient_ids)]
    rooms += [team_room(t) for t in sorted(actor.team_ids)]
    rooms += [unit_room(u) for u in sorted(actor.unit_ids)]
    return rooms


class ChatNamespace(StrictNamespace):
    def __init__(self, app: web.Application) -> None:
        super().__init__(CHAT_NAMESPACE, app)

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        login = await handshake(self.app, environ, auth)
        actor = await self.app[CHAT].actor(login.user_id) if login.user_id else None
        if actor is None:
            raise socketio.exceptions.ConnectionRefusedError(
                {"code": "unauthenticated", "message": "log in first"}
            )
        await self.save_session(
            sid,
            {
                "user_id": actor.user_id,
                "actor": actor,
                "at": time.monotonic(),
                "remote": login.remote,
            },
        )
        for room in rooms_for(actor):
            await self.enter_room(sid, room)
        self.track(sid, login)

    async def _caller(self, sid: str) -> Caller:
        session = await self.get_session(sid)
        if time.monotonic() - session["at"] > ACTOR_TTL_SECONDS:
            actor = await self.app[CHAT].actor(session["user_id"])
            if actor is None:
                await self.disconnect(sid)
                raise NaraError(ErrorCode.UNAUTHENTICATED, "the account is no longer active")
            session.update(actor=actor, at=time.monotonic())
            await self._sync_rooms(sid, actor)
        return Caller(session["actor"], session["remote"])

    async def _sync_rooms(self, sid: str, actor: Actor) -> None:
        wanted = set(rooms_for(actor))
        current = set(self.rooms(sid)) - {sid}
        for room in current - wanted:
            await self.leave_room(sid, room)
        for room in wanted - current:
            await self.enter_room(sid, room)

    @answer_errors(SendEvent)
    async def on_send_message(self, sid: str, data: SendEvent) -> dict[str, Any]:
        # The ack carries the message: this socket does not also get it as a live event
        # (the sender's other sockets do).
        caller = replace(await self._caller(sid), origin=sid)
        result = await self.app[CHAT].send(caller, data.thread_id, new_message(data))
        return result.model_dump(mode="json")

    @answer_errors(CatchUpEvent)
    async def on_catch_up(self, sid: str, data: CatchUpEvent) -> dict[str, Any]:
        rows = await self.app[CHAT].history(
            await self._caller(sid),
            data.thread_id,
            after_seq=data.after_seq,
            after_patient_seq=data.after_patient_seq,
            limit=data.limit,
        )
        return {"messages": [m.model_dump(mode="json") for m in rows]}

    @answer_errors(ReadEvent)
    async def on_mark_read(self, sid: str, data: ReadEvent) -> dict[str, Any]:
        seq = await self.app[CHAT].mark_read(await self._caller(sid), data.thread_id, data.seq)
        return {"seq": seq}

    @answer_errors(TypingEvent)
    async def on_typing(self, sid: str, data: TypingEvent) -> dict[str, Any]:
        await self.app[CHAT].typing(await self._caller(sid), data.thread_id, data.internal)
        return {}
