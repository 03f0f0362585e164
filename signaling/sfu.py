"""A participant's side of the SFU: the server speaks Janus's API on their behalf.

Each participant gets one Janus session with a publisher handle and one subscriber handle per
subscription. Clients see participant ids and SDP only, never room ids, pins or secrets.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from signaling.janus import JanusError, JanusSession, Jsep, VideoRoomHandle
from signaling.janus_pool import JanusPool, PlacedRoom

log = logging.getLogger("nara.signaling.sfu")
_ids = itertools.count(1)


@dataclass
class SfuLink:
    participant_id: str
    placed: PlacedRoom
    session: JanusSession
    publisher: VideoRoomHandle | None = None
    publisher_id: int | None = None
    private_id: int | None = None
    # True once Janus has the publisher's media (webrtcup): only then may others subscribe.
    published: bool = False
    answered: bool = False  # Janus accepted an offer (a refused one may be retried)
    subscriptions: dict[str, VideoRoomHandle] = field(default_factory=dict)
    opaque_id: str | None = None  # "<tag>:meeting:<meeting key>": the sweep's mark

    def ids(self) -> dict[str, Any]:
        """What another process needs to take this link over (ids only, no secrets)."""
        return {
            "server": self.placed.server.name,
            "session": self.session.id,
            "publisher": self.publisher.id if self.publisher else None,
            "publisher_id": self.publisher_id,
            "private_id": self.private_id,
            "published": self.published,
            "answered": self.answered,
            "subscriptions": {k: h.id for k, h in self.subscriptions.items()},
        }

    async def publish(self, offer: Jsep) -> Jsep:
        """Join the room as publisher with the client's offer; returns Janus's answer."""
        if self.publisher is None:
            self.publisher = await self.session.attach_videoroom(self.opaque_id)
            joined = await self.publisher.join_publisher(self.placed.room, self.participant_id)
            self.publisher_id, self.private_id = joined.publisher_id, joined.private_id
        try:
            answer = await self.publisher.publish(offer)
        except JanusError:
            # Janus keeps a refused handle half set up: start again from a fresh one.
            with contextlib.suppress(JanusError):
                await self.publisher.detach()
            self.publisher = self.publisher_id = self.private_id = None
            raise
        self.answered = True
        return answer

    async def wait_published(self, timeout_s: float = 15.0) -> None:
        assert self.publisher is not None
        await self.publisher.wait_webrtcup(timeout_s)
        self.published = True

    async def subscribe(self, feeds: list[int]) -> tuple[str, Jsep, dict[str, int]]:
        """A new subscription to ``feeds``: its id, Janus's offer and mid → feed."""
        handle = await self.session.attach_videoroom(self.opaque_id)
        offer = await handle.join_subscriber(self.placed.room, feeds, self.private_id)
        sub_id = f"s{next(_ids)}"
        while sub_id in self.subscriptions:  # adopted from another process's numbering
            sub_id = f"s{next(_ids)}"
        self.subscriptions[sub_id] = handle
        return sub_id, offer.jsep, offer.feed_by_mid()

    async def start(self, sub_id: str, answer: Jsep) -> None:
        await self._subscription(sub_id).start(answer)

    async def trickle(self, target: str, candidate: Mapping[str, Any] | None) -> None:
        handle = self.publisher if target == "publisher" else self._subscription(target)
        if handle is None:
            raise JanusError("nothing published yet")
        await handle.trickle(dict(candidate) if candidate else None)

    def _subscription(self, sub_id: str) -> VideoRoomHandle:
        handle = self.subscriptions.get(sub_id)
        if handle is None:
            raise JanusError("unknown subscription")
        return handle

    async def close(self) -> None:
        """Destroying the session detaches every handle: nothing is left on Janus."""
        self.published = False
        with contextlib.suppress(JanusError):
            await self.session.destroy()

    async def release(self) -> None:
        """Hand over: stop driving the session here, leave it (and the media) on Janus."""
        await self.session.release()


async def open_link(pool: JanusPool, meeting_key: str, participant_id: str, size: int) -> SfuLink:
    placed = await pool.place(meeting_key, size)
    session = await pool.client_for(placed.server).create_session()
    return SfuLink(participant_id, placed, session, opaque_id=meeting_opaque_id(pool, meeting_key))


def meeting_opaque_id(pool: JanusPool, meeting_key: str) -> str:
    return f"{pool.tag}:meeting:{meeting_key}"


async def adopt_link(
    pool: JanusPool, placed: PlacedRoom, participant_id: str, ids: Mapping[str, Any]
) -> SfuLink:
    """The same link, driven from this process (see :meth:`SfuLink.ids`)."""
    handles = [h for h in (ids["publisher"], *ids["subscriptions"].values()) if h is not None]
    session = await pool.client_for(placed.server).adopt_session(int(ids["session"]), handles)
    link = SfuLink(
        participant_id,
        placed,
        session,
        publisher_id=ids["publisher_id"],
        private_id=ids["private_id"],
        published=ids["published"],
        answered=ids["answered"],
        opaque_id=meeting_opaque_id(pool, placed.meeting_key),
    )
    by_id = session.handles()
    if ids["publisher"] is not None:
        link.publisher = by_id[int(ids["publisher"])]
    link.subscriptions = {k: by_id[int(h)] for k, h in ids["subscriptions"].items()}
    return link
