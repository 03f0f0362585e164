"""Small steps the chat tests share."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.clients import ApiClient


def cid() -> str:
    return f"c-{uuid.uuid4().hex}"


async def start_thread(
    client: ApiClient,
    patient_id: uuid.UUID,
    contact_id: uuid.UUID | None,
    body: str = "Hej! Jag har en fråga om mitt recept.",
    **extra: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "patient_id": str(patient_id),
        "subject": "Fråga",
        "message": {"client_id": cid(), "body": body},
        **extra,
    }
    if contact_id is not None:
        payload["care_contact_id"] = str(contact_id)
    result = await client.ok("POST", "/api/v1/threads", payload)
    assert isinstance(result, dict)
    return result


async def send(
    client: ApiClient, thread_id: str, body: str, kind: str = "text", client_id: str | None = None
) -> dict[str, Any]:
    payload = {"client_id": client_id or cid(), "body": body, "kind": kind}
    result = await client.ok("POST", f"/api/v1/threads/{thread_id}/messages", payload)
    assert isinstance(result, dict)
    return result


async def history(client: ApiClient, thread_id: str, **params: Any) -> list[dict[str, Any]]:
    result = await client.ok("GET", f"/api/v1/threads/{thread_id}/messages", params=params)
    assert isinstance(result, list)
    return result


async def count_rows(server: Any) -> dict[str, int]:
    """Rows in the tables a bad request must not touch."""
    from sqlalchemy import func, select

    from chat.models import Message, Thread, ThreadParticipant
    from server.keys import DB

    async with server.app[DB].read() as store:
        return {
            t.__tablename__: int(await store.session.scalar(select(func.count()).select_from(t)))
            for t in (Thread, Message, ThreadParticipant)
        }
