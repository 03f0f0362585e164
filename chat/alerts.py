"""Acute alerts: staff of the unit see the open ones and acknowledge them.

An acute patient message raises an alert (chat/service.py) that names the patient and the
presentation, never the personnummer. It stays open, across reloads and for every colleague,
until one member of the unit acknowledges it; the acknowledgement is written into the thread
as a system message and announced live, so the others' banners go away.
"""

from __future__ import annotations

import uuid

from chat import access
from chat.events import thread_audiences, unit_room
from chat.models import AlertState, Message, MessageKind
from chat.presenters import alert_views, author_of, message_view
from chat.service import Caller, ChatService
from chat.views import AlertView

ACK_TEXT = "Larmet kvitterat av {name}."


class AlertService:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.db = chat.db

    async def open_alerts(self, caller: Caller) -> list[AlertView]:
        """Open alerts of my units, the longest waiting first."""
        access.require_staff(caller.actor)
        async with self.db.read() as store:
            rows = await store.alerts.open_in_units(sorted(caller.actor.unit_ids))
            return await alert_views(store, rows)

    async def acknowledge(self, caller: Caller, alert_id: uuid.UUID) -> AlertView:
        """Once: a second acknowledgement answers the acknowledged alert and writes nothing."""
        a = caller.actor
        async with self.db.write() as store:
            alert = await store.alerts.get(alert_id)
            access.require_alert(a, alert.unit_id if alert is not None else None)
            assert alert is not None
            now = self.chat.clock()
            note = None
            if await store.alerts.acknowledge(alert_id, a.user_id, now):
                seq = await store.threads.next_seq(alert.thread_id, now)
                assert seq is not None
                note = Message(
                    id=uuid.uuid4(),
                    thread_id=alert.thread_id,
                    seq=seq,
                    author_id=a.user_id,
                    client_id=None,
                    kind=MessageKind.SYSTEM,
                    body=ACK_TEXT.format(name=a.display_name),
                    event={
                        "type": "alert_acknowledged",
                        "alert_id": str(alert_id),
                        "presentation": alert.presentation,
                    },
                    created_at=now,
                )
                await store.messages.insert(note)
            # Someone else may have acknowledged it a moment ago: show what the row says now.
            await store.alerts.reload(alert)
            assert alert.state == AlertState.ACKNOWLEDGED
            view = (await alert_views(store, [alert]))[0]
            scope = await store.threads.scope(alert.thread_id)
            if note is not None and scope is not None:
                message = message_view(note, {a.user_id: author_of(a)}).model_dump(mode="json")
                self.chat.events.publish(
                    store, "message", {"message": message}, thread_audiences(scope, internal=False)
                )
                self.chat.announce_thread(store, scope)
                self.chat.events.publish(
                    store,
                    "alert_acknowledged",
                    view.model_dump(mode="json"),
                    [unit_room(view.unit_id)],
                )
        return view
