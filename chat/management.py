"""Staff actions on a thread (assign, transfer, status, participants) and unit administration.

Every change is also written into the thread as a system message, so the history tells who
did what, and is announced live after commit.
"""

from __future__ import annotations

import uuid
from typing import Any

from chat import access
from chat.access import Actor, ThreadScope
from chat.errors import ErrorCode, NaraError, not_found
from chat.events import thread_audiences
from chat.models import Message, MessageKind, RoutingCorrection, ThreadStatus, UserKind
from chat.presenters import message_view, people, team_dict, team_view
from chat.service import Caller, ChatService, today
from chat.storage import Store
from chat.views import CareContactView, TeamView, ThreadView

STATUS_TEXT = {
    ThreadStatus.OPEN: "Ärendet är öppnat igen.",
    ThreadStatus.WAITING_FOR_PATIENT: "Vården väntar på svar från dig.",
    ThreadStatus.CLOSED: "Ärendet är avslutat.",
}


class ThreadManagement:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.db = chat.db

    async def assign(
        self, caller: Caller, thread_id: uuid.UUID, assignee_id: uuid.UUID | None
    ) -> ThreadView:
        async def change(store: Store, scope: ThreadScope) -> tuple[str, dict[str, Any]]:
            member = None
            if assignee_id is not None:
                member = await store.directory.load_actor(assignee_id, today())
                if member is None or scope.team_id not in member.team_ids:
                    raise NaraError(
                        ErrorCode.VALIDATION_FAILED, "the assignee must belong to the team"
                    )
            await store.threads.touch(thread_id, self.chat.clock(), assignee_id=assignee_id)
            name = member.display_name if member is not None else None
            text = f"Ärendet är tilldelat {name}." if name else "Ärendet har ingen ansvarig."
            return text, {"type": "assigned", "assignee_id": _s(assignee_id)}

        return await self._change(caller, thread_id, change, "thread.assign")

    async def transfer(
        self, caller: Caller, thread_id: uuid.UUID, team_id: uuid.UUID, category: str | None
    ) -> ThreadView:
        async def change(store: Store, scope: ThreadScope) -> tuple[str, dict[str, Any]]:
            team = await store.directory.team(team_id)
            access.require_transfer_target(scope, team.unit_id if team is not None else None)
            if team is None or team.id == scope.team_id:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "choose another existing team")
            thread = await store.threads.get(thread_id)
            assert thread is not None
            if thread.category is not None or category is not None:
                # A moved routed thread is a labelled example for retraining. (Not every
                # thread with a routing decision was routed: a later acute or brådskande
                # message stores its decision on the thread too.)
                store.threads.add_correction(
                    RoutingCorrection(
                        thread_id=thread_id,
                        staff_user_id=caller.actor.user_id,
                        from_category=thread.category,
                        to_category=category or thread.category or "ovrigt",
                    )
                )
            values: dict[str, Any] = {"team_id": team.id, "assignee_id": None}
            if category is not None:
                values["category"] = category
            await store.threads.touch(thread_id, self.chat.clock(), **values)
            event = {"type": "transferred", "team": team_dict(team), "category": category}
            return f"Ärendet är flyttat till {team.name}.", event

        return await self._change(
            caller, thread_id, change, "thread.transfer", notify_old_team=True
        )

    async def set_status(self, caller: Caller, thread_id: uuid.UUID, status: str) -> ThreadView:
        async def change(store: Store, scope: ThreadScope) -> tuple[str, dict[str, Any]]:
            if scope.status == status:
                raise NaraError(ErrorCode.CONFLICT, f"the thread is already {status}")
            await store.threads.touch(thread_id, self.chat.clock(), status=status)
            return STATUS_TEXT[ThreadStatus(status)], {"type": "status", "status": status}

        return await self._change(caller, thread_id, change, "thread.status")

    async def set_attachments(
        self, caller: Caller, thread_id: uuid.UUID, allowed: bool
    ) -> ThreadView:
        async def change(store: Store, scope: ThreadScope) -> tuple[str, dict[str, Any]]:
            await store.threads.touch(thread_id, self.chat.clock(), attachments_allowed=allowed)
            text = "Du kan bifoga filer här." if allowed else "Bifogade filer är avstängda här."
            return text, {"type": "attachments", "allowed": allowed}

        return await self._change(caller, thread_id, change, "thread.attachments_setting")

    async def add_participant(
        self, caller: Caller, thread_id: uuid.UUID, user_id: uuid.UUID
    ) -> ThreadView:
        async def change(store: Store, scope: ThreadScope) -> tuple[str, dict[str, Any]]:
            user = await store.directory.user(user_id)
            if user is None or user.kind != UserKind.STAFF or not user.active:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "only staff can be added")
            if not await store.threads.add_participant(thread_id, user_id, caller.actor.user_id):
                raise NaraError(ErrorCode.CONFLICT, "already a participant")
            await store.threads.touch(thread_id, self.chat.clock())
            prof = (await store.directory.staff_professions([user_id])).get(user_id, "")
            text = f"{user.display_name} ({prof}) deltar nu i ärendet."
            return text, {"type": "participant_added", "user_id": str(user_id)}

        return await self._change(caller, thread_id, change, "thread.add_participant")

    async def _change(
        self,
        caller: Caller,
        thread_id: uuid.UUID,
        change: Any,
        action: str,
        notify_old_team: bool = False,
    ) -> ThreadView:
        """Apply a staff action; it answers with the thread, so it is a logged read too."""
        async with self.db.write() as store:
            before = access.require_manage(caller.actor, await store.threads.scope(thread_id))
            text, event = await change(store, before)
            seq = await store.threads.next_seq(thread_id)
            assert seq is not None
            now = self.chat.clock()
            note = Message(
                id=uuid.uuid4(),
                thread_id=thread_id,
                seq=seq,
                author_id=caller.actor.user_id,
                client_id=None,
                kind=MessageKind.SYSTEM,
                body=text,
                event=event,
                created_at=now,
            )
            await store.messages.insert(note)
            after = await store.threads.scope(thread_id)
            authors = await people(store, {caller.actor.user_id})
            view = await self.chat.thread_view_for(store, caller.actor, thread_id)
            assert after is not None
            await self.chat.log_read(store, caller, after, action)
            if notify_old_team and before.team_id != after.team_id:
                self.chat.announce_thread(store, before)
            message = message_view(note, authors).model_dump(mode="json")
            self.chat.events.publish(
                store, "message", {"message": message}, thread_audiences(after, internal=False)
            )
            self.chat.announce_thread(store, after)
        return view


class Directory:
    """Read-only views of people, contacts and logs for the API."""

    def __init__(self, chat: ChatService) -> None:
        self.db = chat.db

    async def care_contacts(self, actor: Actor) -> list[CareContactView]:
        if actor.is_staff:
            return []
        async with self.db.read() as store:
            out = []
            for c in await store.directory.care_contacts(sorted(actor.patient_ids)):
                team = await store.directory.team(c.team_id) if c.team_id else None
                members = await store.directory.care_contact_members(c.id)
                who = await people(
                    store, set(members) | ({c.coordinator_id} if c.coordinator_id else set())
                )
                out.append(
                    CareContactView(
                        id=c.id,
                        patient_id=c.patient_id,
                        title=c.title,
                        team=team_view(team) if team else None,
                        coordinator=who.get(c.coordinator_id) if c.coordinator_id else None,
                        members=[who[m] for m in members if m in who],
                        how_to_reach=c.how_to_reach,
                        when_to_reach=c.when_to_reach,
                        response_time_hours=c.response_time_hours,
                        communication_terms=c.communication_terms,
                    )
                )
            return out

    async def routing_table(self, actor: Actor, unit_id: uuid.UUID) -> dict[str, str]:
        if unit_id not in actor.unit_ids:
            raise not_found("unit")
        async with self.db.read() as store:
            return {c: str(t) for c, t in (await store.directory.routing_table(unit_id)).items()}

    async def set_routing_table(
        self, actor: Actor, unit_id: uuid.UUID, table: dict[str, uuid.UUID]
    ) -> dict[str, str]:
        access.require_unit_admin(actor, unit_id)
        async with self.db.write() as store:
            teams = {t.id for t in await store.directory.teams([unit_id])}
            if not set(table.values()) <= teams:
                raise NaraError(ErrorCode.VALIDATION_FAILED, "every team must belong to the unit")
            await store.directory.replace_routing_table(unit_id, table)
        return {c: str(t) for c, t in table.items()}

    async def teams(self, actor: Actor) -> list[TeamView]:
        access.require_staff(actor)
        async with self.db.read() as store:
            return [team_view(t) for t in await store.directory.teams(sorted(actor.unit_ids))]


def _s(value: uuid.UUID | None) -> str | None:
    return str(value) if value else None
