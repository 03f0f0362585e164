"""Live events: the service publishes after commit; the server delivers (Socket.IO rooms).

Audiences are room names: ``patient:<id>`` (the patient and their guardians), ``team:<id>``
(staff of the owning team) and ``user:<id>`` (one user, e.g. an added municipal nurse).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from chat.access import ThreadScope, hidden_participants


class LiveEvents(Protocol):
    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        """Deliver to every connection in the audiences, each connection once."""


class NoLiveEvents:
    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        return None


def patient_room(patient_id: uuid.UUID) -> str:
    return f"patient:{patient_id}"


def team_room(team_id: uuid.UUID) -> str:
    return f"team:{team_id}"


def user_room(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def staff_audiences(scope: ThreadScope) -> list[str]:
    """The owning team and the participants (not those a spärr keeps out)."""
    people = scope.participant_ids - hidden_participants(scope)
    return [team_room(scope.team_id), *(user_room(u) for u in sorted(people))]


def thread_audiences(scope: ThreadScope, *, internal: bool) -> list[str]:
    rooms = staff_audiences(scope)
    if not internal and scope.patient_visible:
        rooms.append(patient_room(scope.patient_id))
    return rooms


def unit_room(unit_id: uuid.UUID) -> str:
    """All staff of a care unit: acute alerts go here."""
    return f"unit:{unit_id}"
