"""Service-level fixtures: the domain services on a real database (a fresh copy of the demo),
without an HTTP server or sockets. Live events go to a recorder that stands in for the
Socket.IO layer (the ``LiveEvents`` port), so tests can say who would have been told what."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from chat.management import ThreadManagement
from chat.service import Caller, ChatService, NewMessage
from chat.storage import Database
from server.demo import DemoIds


@dataclass
class Published:
    event: str
    payload: dict[str, Any]
    audiences: list[str]


@dataclass
class RecordedEvents:
    """Implements chat.events.LiveEvents: what would have gone out, in order."""

    sent: list[Published] = field(default_factory=list)
    bus_messages: int = 0  # publish_parts calls

    async def publish(self, event: str, payload: dict[str, Any], audiences: Sequence[str]) -> None:
        self.sent.append(Published(event, payload, list(audiences)))

    async def publish_parts(self, event: str, parts: Sequence[Any]) -> None:
        """One event in several shapes (one bus message): recorded as a publish per shape."""
        self.bus_messages += 1
        for payload, audiences in parts:
            self.sent.append(Published(event, payload, list(audiences)))

    def of(self, event: str) -> list[Published]:
        return [p for p in self.sent if p.event == event]


@pytest.fixture
def live() -> RecordedEvents:
    return RecordedEvents()


@pytest.fixture
def chat(db: Database, live: RecordedEvents) -> ChatService:
    return ChatService(db, live=live)


@pytest.fixture
def management(chat: ChatService) -> ThreadManagement:
    return ThreadManagement(chat)


@dataclass
class People:
    """Callers by demo username, loaded through the service as a request would."""

    chat: ChatService
    demo: DemoIds

    async def __call__(self, username: str) -> Caller:
        actor = await self.chat.actor(self.demo.users[username])
        assert actor is not None, username
        return Caller(actor, "127.0.0.1")


@pytest.fixture
def as_(chat: ChatService, demo: DemoIds) -> People:
    return People(chat, demo)


def text(body: str, **kw: Any) -> NewMessage:
    return NewMessage(client_id=uuid.uuid4().hex, body=body, **kw)


async def anna_thread(chat: ChatService, people: People, demo: DemoIds) -> uuid.UUID:
    """Anna writes to her fixed care contact (team allmän)."""
    result = await chat.create_thread(
        await people("anna"),
        patient_id=demo.patients["anna"],
        subject="Receptförnyelse",
        first=text("Hej, jag behöver förnya mitt recept."),
        care_contact_id=demo.care_contacts["anna"],
    )
    assert result.thread is not None
    return result.thread.id
