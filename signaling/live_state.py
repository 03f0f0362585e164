"""A live meeting as JSON: what the owning process saves after each change, so that another
process can take the meeting over (participants keep their ids, places and Janus sessions).

Holds names and rejoin tokens (like the database does); no personnummer, no message text.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import datetime
from typing import Any

from signaling.janus import JanusError, VideoRoom
from signaling.janus_pool import JanusPool, PlacedRoom
from signaling.live import LiveMeeting, Participant
from signaling.meeting_models import Role
from signaling.meetings import Entry
from signaling.sfu import adopt_link

log = logging.getLogger("nara.signaling.live_state")


def entry_to_dict(e: Entry) -> dict[str, Any]:
    return {
        "meeting_id": str(e.meeting_id),
        "thread_id": str(e.thread_id) if e.thread_id else None,
        "max_participants": e.max_participants,
        "role": str(e.role),
        "name": e.name,
        "user_id": str(e.user_id) if e.user_id else None,
        "profession": e.profession,
        "rejoin_token": e.rejoin_token,
    }


def entry_from_dict(d: dict[str, Any]) -> Entry:
    return Entry(
        uuid.UUID(d["meeting_id"]),
        uuid.UUID(d["thread_id"]) if d["thread_id"] else None,
        int(d["max_participants"]),
        Role(d["role"]),
        d["name"],
        uuid.UUID(d["user_id"]) if d["user_id"] else None,
        d["profession"],
        d.get("rejoin_token"),
    )


def dump(m: LiveMeeting, pool: JanusPool | None) -> dict[str, Any]:
    placed = pool.placement(str(m.id)) if pool is not None else None
    return {
        "id": str(m.id),
        "thread_id": str(m.thread_id) if m.thread_id else None,
        "max_participants": m.max_participants,
        "topology": m.topology,
        "removed": [str(u) for u in m.removed],
        "room": _room(placed) if placed else None,
        "participants": [_participant(p) for p in m.participants.values()],
    }


def _room(placed: PlacedRoom) -> dict[str, Any]:
    r = placed.room
    return {
        "server": placed.server.name,
        "room_id": r.room_id,
        "pin": r.pin,
        "secret": r.secret,
        "publishers": r.publishers,
    }


def _participant(p: Participant) -> dict[str, Any]:
    return {
        "id": p.id,
        "entry": entry_to_dict(p.entry),
        "state": p.state,
        "since": p.since.isoformat(),
        "sid": p.sid,
        "node": p.node,
        "rejoin_token": p.rejoin_token,
        "audio": p.audio,
        "video": p.video,
        "screen": p.screen,
        "session": p.session,
        "sfu": p.sfu.ids() if p.sfu is not None else None,
    }


def room_of(d: dict[str, Any], pool: JanusPool | None) -> PlacedRoom | None:
    raw = d.get("room")
    server = pool.server(raw["server"]) if (pool is not None and raw) else None
    if raw is None or server is None:
        return None
    room = VideoRoom(raw["room_id"], raw["pin"], raw["secret"], raw["publishers"])
    return PlacedRoom(d["id"], server, room)


async def load(
    d: dict[str, Any], pool: JanusPool | None, alive: set[str]
) -> LiveMeeting:
    """The meeting as this process's own. Participants whose process is not in ``alive`` have
    lost their connection (they get the reconnect grace); Janus sessions are adopted."""
    m = LiveMeeting(
        uuid.UUID(d["id"]),
        uuid.UUID(d["thread_id"]) if d["thread_id"] else None,
        int(d["max_participants"]),
        topology=d["topology"],
        removed={uuid.UUID(u) for u in d["removed"]},
    )
    placed = room_of(d, pool)
    if pool is not None and placed is not None:
        pool.adopt(placed)
    for raw in d["participants"]:
        connected = raw["sid"] is not None and raw["node"] in alive
        p = Participant(
            raw["id"],
            entry_from_dict(raw["entry"]),
            raw["state"],
            datetime.fromisoformat(raw["since"]),
            raw["sid"] if connected else None,
            rejoin_token=raw["rejoin_token"],
            audio=raw["audio"],
            video=raw["video"],
            screen=raw["screen"],
            session=raw["session"],
            node=raw["node"],
        )
        if raw["sfu"] and pool is not None and placed is not None:
            with contextlib.suppress(JanusError, KeyError):
                p.sfu = await adopt_link(pool, placed, p.id, raw["sfu"])
            if p.sfu is None:
                log.warning("janus session not adoptable", extra={"meeting": d["id"]})
        m.participants[p.id] = p
    return m
