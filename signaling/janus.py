"""Async client for Janus's HTTP REST API and its VideoRoom plugin.

One :class:`JanusSession` keeps a long-poll GET running for the session's events and
sends keepalives; plugin handles get their events dispatched by ``sender``. Asynchronous
plugin requests (join, configure, start...) are answered with an ``ack`` on the POST and
the real answer later on the long poll, matched by ``transaction``.

The server speaks to Janus on the participants' behalf: api secrets, room secrets and pins
stay here and are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

JSON = dict[str, Any]
Jsep = dict[str, Any]
EventPredicate = Callable[[JSON], bool]

VIDEOROOM = "janus.plugin.videoroom"
# Largest integer a JavaScript client can hold exactly: room ids go to browsers.
MAX_SAFE_ID = 2**53 - 1

log = logging.getLogger("nara.signaling.janus")


class JanusError(Exception):
    """Janus answered with an error (core or plugin) or could not be reached."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(f"{reason} (code {code})" if code is not None else reason)
        self.code = code
        self.reason = reason


class JanusSessionClosed(JanusError):
    pass


def _transaction() -> str:
    return secrets.token_hex(8)


def random_room_id() -> int:
    """Unguessable room id that still fits a JavaScript number."""
    return secrets.randbelow(MAX_SAFE_ID) + 1


def _raise_for_core_error(reply: JSON) -> None:
    if reply.get("janus") == "error":
        err = reply.get("error") or {}
        raise JanusError(str(err.get("reason", "janus error")), err.get("code"))


def _plugin_data(reply: JSON) -> JSON:
    data: JSON = (reply.get("plugindata") or {}).get("data") or {}
    if "error_code" in data or "error" in data:
        raise JanusError(str(data.get("error", "plugin error")), data.get("error_code"))
    return data


class JanusClient:
    """HTTP transport to one Janus instance (``url`` is e.g. ``http://host:8088/janus``)."""

    def __init__(
        self,
        url: str,
        api_secret: str | None = None,
        *,
        http: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
        poll_timeout: float = 45.0,
    ) -> None:
        self.url = url.rstrip("/")
        self._api_secret = api_secret
        self._http = http
        self._own_http = http is None
        self.request_timeout = request_timeout
        self.poll_timeout = poll_timeout

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        return self._http

    async def close(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> JanusClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _sign(self, body: JSON) -> JSON:
        body.setdefault("transaction", _transaction())
        if self._api_secret:
            body["apisecret"] = self._api_secret
        return body

    async def post(self, path: str, body: JSON) -> JSON:
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        try:
            async with self.http.post(
                self.url + path, json=self._sign(body), timeout=timeout
            ) as resp:
                reply: JSON = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise JanusError(f"janus unreachable: {type(exc).__name__}") from exc
        _raise_for_core_error(reply)
        return reply

    async def poll(self, session_id: int, maxev: int = 10) -> list[JSON]:
        params: dict[str, str] = {"maxev": str(maxev)}
        if self._api_secret:
            params["apisecret"] = self._api_secret
        timeout = aiohttp.ClientTimeout(total=self.poll_timeout)
        async with self.http.get(
            f"{self.url}/{session_id}", params=params, timeout=timeout
        ) as resp:
            reply: Any = await resp.json(content_type=None)
        events = reply if isinstance(reply, list) else [reply]
        return [e for e in events if isinstance(e, dict)]

    async def info(self) -> JSON:
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        try:
            async with self.http.get(self.url + "/info", timeout=timeout) as resp:
                reply: JSON = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise JanusError(f"janus unreachable: {type(exc).__name__}") from exc
        return reply

    async def create_session(self, keepalive_interval: float = 25.0) -> JanusSession:
        reply = await self.post("", {"janus": "create"})
        session = JanusSession(self, int(reply["data"]["id"]), keepalive_interval)
        session.start()
        log.info("janus session created", extra={"janus_session": session.id})
        return session

    async def adopt_session(
        self, session_id: int, handle_ids: list[int], keepalive_interval: float = 25.0
    ) -> JanusSession:
        """Take over a session another process created (it died or handed over): Janus lets
        whoever knows the ids and the api secret poll and keep it alive, so media goes on."""
        session = JanusSession(self, session_id, keepalive_interval)
        await session.request({"janus": "keepalive"})  # still there, or JanusError
        for hid in handle_ids:
            session._handles[hid] = VideoRoomHandle(session, hid, VIDEOROOM)
        session.start()
        log.info("janus session adopted", extra={"janus_session": session_id})
        return session


class JanusSession:
    def __init__(self, client: JanusClient, session_id: int, keepalive_interval: float) -> None:
        self.client = client
        self.id = session_id
        self.keepalive_interval = keepalive_interval
        self.closed = False
        self._handles: dict[int, JanusHandle] = {}
        self._pending: dict[str, asyncio.Future[JSON]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._poll_loop(), name=f"janus-poll-{self.id}"),
            asyncio.create_task(self._keepalive_loop(), name=f"janus-keepalive-{self.id}"),
        ]

    async def __aenter__(self) -> JanusSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.destroy()

    async def request(self, body: JSON, handle_id: int | None = None) -> JSON:
        if self.closed:
            raise JanusSessionClosed("janus session closed")
        path = f"/{self.id}" if handle_id is None else f"/{self.id}/{handle_id}"
        return await self.client.post(path, body)

    async def attach(self, plugin: str) -> JanusHandle:
        reply = await self.request({"janus": "attach", "plugin": plugin})
        handle = JanusHandle(self, int(reply["data"]["id"]), plugin)
        self._handles[handle.id] = handle
        return handle

    async def attach_videoroom(self, opaque_id: str | None = None) -> VideoRoomHandle:
        """``opaque_id`` tags the handle (visible in the admin API): the sweep knows ours."""
        body: JSON = {"janus": "attach", "plugin": VIDEOROOM}
        if opaque_id:
            body["opaque_id"] = opaque_id
        reply = await self.request(body)
        handle = VideoRoomHandle(self, int(reply["data"]["id"]), VIDEOROOM)
        self._handles[handle.id] = handle
        log.debug("janus handle attached", extra={"janus_session": self.id, "handle": handle.id})
        return handle

    def handles(self) -> dict[int, VideoRoomHandle]:
        return {k: h for k, h in self._handles.items() if isinstance(h, VideoRoomHandle)}

    def _forget(self, handle_id: int) -> None:
        self._handles.pop(handle_id, None)

    async def send_async(self, handle_id: int, body: JSON, timeout_s: float) -> JSON:
        """POST a request whose answer arrives as an event with the same transaction."""
        tx = _transaction()
        body["transaction"] = tx
        fut: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        # Registered before POSTing: the event can beat the HTTP ack.
        self._pending[tx] = fut
        try:
            reply = await self.request(body, handle_id)
            if reply.get("janus") != "ack":
                return reply
            return await asyncio.wait_for(fut, timeout_s)
        except TimeoutError as exc:
            raise JanusError(f"no answer to {body.get('janus')} within {timeout_s}s") from exc
        finally:
            self._pending.pop(tx, None)

    async def destroy(self) -> None:
        """Destroy the session on Janus (which detaches its handles) and stop polling."""
        if self.closed:
            return
        try:
            await self.request({"janus": "destroy"})
        except JanusError as exc:
            log.warning("janus session destroy failed", extra={"janus_session": self.id,
                                                                "error": exc.reason})
        finally:
            self._close()
            for task in self._tasks:
                task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            log.info("janus session destroyed", extra={"janus_session": self.id})

    async def release(self) -> None:
        """Stop polling and keeping it alive here, leaving it on Janus for another process."""
        self._close()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _close(self) -> None:
        self.closed = True
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(JanusSessionClosed("janus session closed"))
        for handle in self._handles.values():
            handle._wake()

    async def _keepalive_loop(self) -> None:
        while not self.closed:
            await asyncio.sleep(self.keepalive_interval)
            try:
                await self.request({"janus": "keepalive"})
            except JanusError as exc:
                log.warning("janus keepalive failed", extra={"janus_session": self.id,
                                                             "error": exc.reason})
                if exc.code == 458:  # no such session
                    self._close()

    async def _poll_loop(self) -> None:
        failures = 0
        while not self.closed:
            try:
                events = await self.client.poll(self.id)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network hiccup: retry with a small backoff
                failures += 1
                log.warning("janus poll failed", extra={"janus_session": self.id,
                                                        "error": type(exc).__name__})
                await asyncio.sleep(min(0.2 * failures, 2.0))
                continue
            for event in events:
                self._dispatch(event)

    def _dispatch(self, event: JSON) -> None:
        kind = event.get("janus")
        if kind == "keepalive":
            return
        if kind == "error" and (event.get("error") or {}).get("code") == 458:
            self._close()
            return
        if kind == "timeout":
            log.warning("janus session timed out", extra={"janus_session": self.id})
            self._close()
            return
        tx = event.get("transaction")
        if isinstance(tx, str) and tx in self._pending:
            fut = self._pending[tx]
            if not fut.done():
                fut.set_result(event)
        sender = event.get("sender")
        handle = self._handles.get(int(sender)) if sender is not None else None
        if handle is not None:
            handle._push(event)


class JanusHandle:
    """A plugin handle; keeps every event it received for :meth:`wait_for`."""

    def __init__(self, session: JanusSession, handle_id: int, plugin: str) -> None:
        self.session = session
        self.id = handle_id
        self.plugin = plugin
        self.events: list[JSON] = []
        self.detached = False
        self._changed = asyncio.Event()

    def _push(self, event: JSON) -> None:
        self.events.append(event)
        if event.get("janus") == "detached":
            self.detached = True
        self._wake()

    def _wake(self) -> None:
        self._changed.set()

    async def wait_for(self, predicate: EventPredicate, timeout_s: float = 10.0) -> JSON:
        """First event so far (past or future) matching ``predicate``."""

        async def scan() -> JSON:
            seen = 0
            while True:
                for event in self.events[seen:]:
                    if predicate(event):
                        return event
                seen = len(self.events)
                if self.session.closed:
                    raise JanusSessionClosed("janus session closed")
                self._changed.clear()
                await self._changed.wait()

        try:
            return await asyncio.wait_for(scan(), timeout_s)
        except TimeoutError as exc:
            raise JanusError(f"awaited janus event did not arrive within {timeout_s}s") from exc

    async def wait_webrtcup(self, timeout_s: float = 10.0) -> None:
        await self.wait_for(lambda e: e.get("janus") == "webrtcup", timeout_s)

    async def send_sync(self, body: JSON) -> JSON:
        """A synchronous plugin request: the answer comes in the POST reply."""
        reply = await self.session.request({"janus": "message", "body": body}, self.id)
        return _plugin_data(reply)

    async def send_async(
        self, body: JSON, jsep: Jsep | None = None, timeout_s: float = 15.0
    ) -> tuple[JSON, Jsep | None]:
        msg: JSON = {"janus": "message", "body": body}
        if jsep is not None:
            msg["jsep"] = jsep
        event = await self.session.send_async(self.id, msg, timeout_s)
        return _plugin_data(event), event.get("jsep")

    async def trickle(self, candidate: JSON | None) -> None:
        """Send one candidate (``{"candidate", "sdpMid", "sdpMLineIndex"}``), or None for
        end-of-candidates."""
        payload: JSON = candidate if candidate is not None else {"completed": True}
        await self.session.request({"janus": "trickle", "candidate": payload}, self.id)

    async def trickle_many(self, candidates: list[JSON]) -> None:
        await self.session.request({"janus": "trickle", "candidates": candidates}, self.id)

    async def hangup(self) -> None:
        await self.session.request({"janus": "hangup"}, self.id)

    async def detach(self) -> None:
        if self.detached or self.session.closed:
            return
        try:
            await self.session.request({"janus": "detach"}, self.id)
        finally:
            self.detached = True
            self.session._forget(self.id)


@dataclass(frozen=True, slots=True)
class VideoRoom:
    """A room on one Janus instance; pin and secret are server-side only."""

    room_id: int
    pin: str = field(repr=False)
    secret: str = field(repr=False)
    publishers: int


@dataclass(frozen=True, slots=True)
class JoinedPublisher:
    publisher_id: int
    private_id: int
    # Feeds already publishing when we joined.
    publishers: list[JSON]


@dataclass(frozen=True, slots=True)
class SubscriberOffer:
    jsep: Jsep
    # Janus's stream list: each entry maps an ``mid`` to a ``feed_id``.
    streams: list[JSON]

    def feed_by_mid(self) -> dict[str, int]:
        return {
            str(s["mid"]): int(s["feed_id"])
            for s in self.streams
            if "feed_id" in s and "mid" in s
        }


class VideoRoomHandle(JanusHandle):
    """VideoRoom operations (Janus >= 1.0 multistream API)."""

    async def create_room(
        self,
        publishers: int,
        *,
        bitrate: int = 512_000,
        description: str = "nara",
        fir_freq: int = 10,
    ) -> VideoRoom:
        room = VideoRoom(
            room_id=random_room_id(),
            pin=secrets.token_urlsafe(18),
            secret=secrets.token_urlsafe(24),
            publishers=publishers,
        )
        await self.send_sync(
            {
                "request": "create",
                "room": room.room_id,
                "permanent": False,
                "description": description,
                "secret": room.secret,
                "pin": room.pin,
                "is_private": True,
                "publishers": publishers,
                "bitrate": bitrate,
                "fir_freq": fir_freq,
                # One codec each so every subscriber can decode every publisher.
                "videocodec": "vp8",
                "audiocodec": "opus",
            }
        )
        log.info("videoroom created", extra={"room": room.room_id, "publishers": publishers})
        return room

    async def destroy_room(self, room: VideoRoom) -> None:
        await self.send_sync({"request": "destroy", "room": room.room_id, "secret": room.secret})
        log.info("videoroom destroyed", extra={"room": room.room_id})

    async def room_exists(self, room_id: int) -> bool:
        data = await self.send_sync({"request": "exists", "room": room_id})
        return bool(data.get("exists"))

    async def list_participants(self, room_id: int) -> list[JSON]:
        data = await self.send_sync({"request": "listparticipants", "room": room_id})
        participants: list[JSON] = data.get("participants", [])
        return participants

    async def join_publisher(self, room: VideoRoom, display: str) -> JoinedPublisher:
        """Join as publisher; ``display`` must be a pseudonymous participant key."""
        data, _ = await self.send_async(
            {
                "request": "join",
                "ptype": "publisher",
                "room": room.room_id,
                "pin": room.pin,
                "display": display,
            }
        )
        return JoinedPublisher(
            publisher_id=int(data["id"]),
            private_id=int(data.get("private_id", 0)),
            publishers=list(data.get("publishers", [])),
        )

    async def publish(self, offer: Jsep, *, audio: bool = True, video: bool = True) -> Jsep:
        """``configure`` with our offer; returns Janus's answer."""
        _, jsep = await self.send_async(
            {"request": "configure", "audio": audio, "video": video}, jsep=offer
        )
        if jsep is None:
            raise JanusError("janus sent no answer to the publisher offer")
        return jsep

    async def join_subscriber(
        self, room: VideoRoom, feeds: list[int], private_id: int | None = None
    ) -> SubscriberOffer:
        body: JSON = {
            "request": "join",
            "ptype": "subscriber",
            "room": room.room_id,
            "pin": room.pin,
            "streams": [{"feed": f} for f in feeds],
        }
        if private_id is not None:
            # Links the subscription to our publisher (Janus then hides our own feed).
            body["private_id"] = private_id
        data, jsep = await self.send_async(body)
        if jsep is None:
            raise JanusError("janus sent no offer for the subscription")
        return SubscriberOffer(jsep=jsep, streams=list(data.get("streams", [])))

    async def start(self, answer: Jsep) -> None:
        await self.send_async({"request": "start"}, jsep=answer)

    async def leave(self) -> None:
        await self.send_async({"request": "leave"})

    def active_publishers(self) -> dict[int, JSON]:
        """Feeds publishing in the room as far as this handle's events tell."""
        feeds: dict[int, JSON] = {}
        for event in self.events:
            data = (event.get("plugindata") or {}).get("data") or {}
            for pub in data.get("publishers", []) or []:
                feeds[int(pub["id"])] = pub
            for key in ("unpublished", "leaving"):
                gone = data.get(key)
                if isinstance(gone, int):
                    feeds.pop(gone, None)
        return feeds

    async def wait_for_publishers(self, count: int, timeout_s: float = 10.0) -> dict[int, JSON]:
        """Wait until at least ``count`` other feeds are publishing."""
        await self.wait_for(lambda _e: len(self.active_publishers()) >= count, timeout_s)
        return self.active_publishers()
