"""Meeting roles. The tables (meetings, members, invite links) are in chat/models.py, their
SQL in chat/storage/meetings.py; live state (who is connected, the waiting room, Janus
handles) is in signaling/live.py."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    HOST = "host"  # a clinician who admits, removes, mutes and ends
    STAFF = "staff"  # another profession, admitted directly
    PATIENT = "patient"  # the patient, a guardian or a relative: waits to be admitted
    GUEST = "guest"  # interpreter, municipal nurse of another organisation: by link, waits


WAITS = frozenset({Role.PATIENT, Role.GUEST})
