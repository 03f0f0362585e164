"""Meeting rules that need the database: create, invite, who may join with which role."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from chat import access, audit
from chat.access import Actor
from chat.errors import ErrorCode, NaraError, not_found
from chat.events import patient_room, team_room, user_room
from chat.models import Meeting, MeetingInvite, MeetingStatus, UserKind, VideoRoom, utcnow
from chat.storage import Database, Store
from signaling.meeting_models import Role

if TYPE_CHECKING:
    from chat.notifications.followup import Followup


class MeetingView(BaseModel):
    """A meeting as one participant sees it (also the REST response)."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    thread_id: uuid.UUID | None
    title: str
    status: str
    scheduled_at: datetime | None
    max_participants: int
    my_role: str


@dataclass(frozen=True)
class Entry:
    """Who is joining, as the live meeting needs it."""

    meeting_id: uuid.UUID
    thread_id: uuid.UUID | None
    max_participants: int
    role: Role
    name: str
    user_id: uuid.UUID | None
    profession: str | None
    # A guest's way back in (after a dropped connection or any restart); None for accounts.
    rejoin_token: str | None = None


# Tells the rooms of the /chat namespace (people's inboxes and home pages) that a meeting
# for them started, changed or ended: event ``meeting`` {meeting_id, thread_id, status}.
Announce = Callable[[list[str], dict[str, Any]], Awaitable[None]]
ACTIVE_WINDOW = timedelta(hours=12)


def invite_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MeetingService:
    def __init__(self, db: Database, *, max_participants: int = 8) -> None:
        self.db = db
        self.max_participants = max_participants
        # Tells the patient side of an invitation and of a start, through the notification
        # outbox in the same transaction (chat/notifications/followup.py).
        self.followup: Followup | None = None
        self.announce: Announce | None = None

    async def create(
        self,
        actor: Actor,
        *,
        title: str,
        thread_id: uuid.UUID | None,
        scheduled_at: datetime | None,
        member_ids: list[uuid.UUID],
    ) -> MeetingView:
        access.require_staff(actor)
        async with self.db.write() as store:
            if thread_id is not None:
                access.require_view(actor, await store.threads.scope(thread_id))
            meeting = Meeting(
                id=uuid.uuid4(),
                thread_id=thread_id,
                title=title,
                created_by=actor.user_id,
                status=MeetingStatus.SCHEDULED if scheduled_at else MeetingStatus.LIVE,
                scheduled_at=scheduled_at,
                max_participants=self.max_participants,
            )
            await store.meetings.add(meeting)
            await store.meetings.add_member(meeting.id, actor.user_id, Role.HOST)
            invited = []
            for uid in member_ids:
                if await self._add_member(store, meeting.id, uid) == Role.PATIENT:
                    invited.append(uid)
            await self._tell_patients(store, meeting, invited)
            if meeting.status == MeetingStatus.LIVE:
                await self._announce_on_commit(store, meeting)
            return _view(meeting, Role.HOST)

    async def add_member(self, actor: Actor, meeting_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """A host invites another profession (or a patient to a standalone meeting)."""
        async with self.db.write() as store:
            meeting = await self._meeting(store, actor, meeting_id)
            if await self._role(store, actor, meeting) != Role.HOST:
                raise NaraError(ErrorCode.FORBIDDEN, "only a host may invite")
            role = await self._add_member(store, meeting_id, user_id)
            if self.followup is not None and role == Role.PATIENT:
                # Only the new member: the thread's patient side was told before.
                await self.followup.meeting_invited(
                    store, meeting_id, scope=None, user_ids=[user_id], now=utcnow()
                )
            await self._announce_on_commit(store, meeting, [user_room(user_id)])

    async def get(self, actor: Actor, meeting_id: uuid.UUID) -> MeetingView:
        async with self.db.read() as store:
            meeting = await self._meeting(store, actor, meeting_id)
            return _view(meeting, await self._role(store, actor, meeting))

    async def for_thread(self, actor: Actor, thread_id: uuid.UUID) -> list[MeetingView]:
        async with self.db.read() as store:
            access.require_view(actor, await store.threads.scope(thread_id))
            return [
                _view(m, await self._role(store, actor, m))
                for m in await store.meetings.for_thread(thread_id)
            ]

    async def invite_guest(
        self, actor: Actor, meeting_id: uuid.UUID, guest_name: str, ttl: timedelta
    ) -> tuple[str, datetime]:
        """A single-use link for a guest (interpreter, another organisation's nurse)."""
        token = secrets.token_urlsafe(32)
        expires = utcnow() + ttl
        async with self.db.write() as store:
            meeting = await self._meeting(store, actor, meeting_id)
            if await self._role(store, actor, meeting) != Role.HOST:
                raise NaraError(ErrorCode.FORBIDDEN, "only a host may invite guests")
            _require_open(meeting)
            store.meetings.add_invite(
                MeetingInvite(
                    token_hash=invite_hash(token),
                    meeting_id=meeting_id,
                    guest_name=guest_name,
                    created_by=actor.user_id,
                    expires_at=expires,
                )
            )
        return token, expires

    async def set_status(self, meeting_id: uuid.UUID, status: MeetingStatus) -> None:
        async with self.db.write() as store:
            ended = utcnow() if status == MeetingStatus.ENDED else None
            await store.meetings.set_status(meeting_id, status, ended)
            meeting = await store.meetings.get(meeting_id)
            if meeting is not None:
                meeting.status = status
                await self._announce_on_commit(store, meeting)

    async def active_for(self, actor: Actor) -> list[MeetingView]:
        """What the inbox and the home page announce: meetings for me not ended yet."""
        async with self.db.read() as store:
            found = await store.meetings.active_for(
                actor.user_id, actor.patient_ids, actor.team_ids, utcnow() - ACTIVE_WINDOW
            )
            views = []
            for m in found:
                role = await self._role(store, actor, m)
                if role is not None:
                    views.append(_view(m, role))
            return views

    async def _announce_on_commit(
        self, store: Store, meeting: Meeting, rooms: list[str] | None = None
    ) -> None:
        """Everyone the meeting concerns (or ``rooms``), told once the change is committed."""
        if self.announce is None:
            return
        if rooms is None:
            rooms = [user_room(uid) for uid in await store.meetings.member_ids(meeting.id)]
            scope = (
                await store.threads.scope(meeting.thread_id) if meeting.thread_id else None
            )
            if scope is not None:
                rooms.append(team_room(scope.team_id))
                if scope.patient_visible:
                    rooms.append(patient_room(scope.patient_id))
        payload = {
            "meeting_id": str(meeting.id),
            "thread_id": str(meeting.thread_id) if meeting.thread_id else None,
            "status": str(meeting.status),
        }
        announce = self.announce

        async def send() -> None:
            await announce(rooms, payload)

        store.on_commit(send)

    async def room_created(
        self, meeting_id: uuid.UUID, server: str, room_id: int, secret: str
    ) -> None:
        """Kept until the room is destroyed, so a sweep after a crash can destroy it."""
        async with self.db.write() as store:
            await store.meetings.add_room(VideoRoom(
                server=server, room_id=room_id, meeting_id=meeting_id, secret=secret
            ))

    async def room_destroyed(self, server: str, room_id: int) -> None:
        async with self.db.write() as store:
            await store.meetings.remove_room(server, room_id)

    async def rooms(self) -> list[tuple[str, int, str]]:
        """Every Janus room some process created and did not destroy: server, id, secret."""
        async with self.db.read() as store:
            return [(r.server, r.room_id, r.secret) for r in await store.meetings.rooms()]

    async def mark_live(self, meeting_id: uuid.UUID) -> None:
        """The first join of a booked meeting starts it. The conditional UPDATE decides, so
        however many join at once (on any process) it is announced and told once."""
        async with self.db.write() as store:
            if await store.meetings.mark_live(meeting_id):
                meeting = await store.meetings.get(meeting_id)
                if meeting is not None:
                    patients = await store.meetings.patient_members(meeting_id)
                    await self._tell_patients(store, meeting, patients)
                    await self._announce_on_commit(store, meeting)

    async def _tell_patients(
        self, store: Store, meeting: Meeting, patients: list[uuid.UUID]
    ) -> None:
        """Notices to the thread's patient side and ``patients`` (by account), queued in this
        transaction: a live meeting has started, a booked one is an invitation."""
        if self.followup is None:
            return
        scope = await store.threads.scope(meeting.thread_id) if meeting.thread_id else None
        tell = (
            self.followup.meeting_started
            if meeting.status == MeetingStatus.LIVE
            else self.followup.meeting_invited
        )
        await tell(store, meeting.id, scope=scope, user_ids=patients, now=utcnow())

    async def entry_for_user(
        self, actor: Actor, meeting_id: uuid.UUID, remote_addr: str | None = None
    ) -> Entry:
        """Staff joining a patient's meeting is a read of patient data: access-logged."""
        async with self.db.write() if actor.is_staff else self.db.read() as store:
            meeting = await self._meeting(store, actor, meeting_id)
            _require_open(meeting)
            role = await self._role(store, actor, meeting)
            if actor.is_staff:
                await self._log_join(store, actor, meeting, remote_addr)
        assert role is not None  # _meeting refused those without one
        return Entry(
            meeting.id,
            meeting.thread_id,
            meeting.max_participants,
            Role(role),
            actor.display_name,
            actor.user_id,
            actor.profession,
        )

    async def entry_for_invite(self, token: str, meeting_id: uuid.UUID) -> Entry:
        """Consume the link: expired, used, revoked or foreign links all answer the same. The
        guest gets a rejoin token (only its hash is stored, on the link's row)."""
        rejoin = secrets.token_urlsafe(24)
        async with self.db.write() as store:
            invite = await store.meetings.use_invite(invite_hash(token), utcnow())
            meeting = await store.meetings.get(meeting_id) if invite else None
            if invite is None or meeting is None or invite.meeting_id != meeting_id:
                raise NaraError(ErrorCode.INVITE_INVALID, "the link is not valid any more")
            _require_open(meeting)
            await store.meetings.set_rejoin(invite.token_hash, invite_hash(rejoin))
        return _guest(meeting, invite, rejoin)

    async def entry_for_rejoin(self, rejoin: str, meeting_id: uuid.UUID) -> Entry:
        """A guest coming back with its rejoin token, while the meeting has not ended."""
        async with self.db.read() as store:
            invite = await store.meetings.invite_for_rejoin(invite_hash(rejoin))
            meeting = await store.meetings.get(meeting_id) if invite else None
            if invite is None or meeting is None or invite.meeting_id != meeting_id:
                raise NaraError(ErrorCode.INVITE_INVALID, "the link is not valid any more")
            _require_open(meeting)
        return _guest(meeting, invite, rejoin)

    async def _meeting(
        self, store: Store, actor: Actor, meeting_id: uuid.UUID
    ) -> Meeting:
        meeting = await store.meetings.get(meeting_id)
        if meeting is None or await self._role(store, actor, meeting) is None:
            raise not_found("meeting")
        return meeting

    async def _role(
        self, store: Store, actor: Actor, meeting: Meeting
    ) -> str | None:
        """Members by account; else whoever may see the linked thread: its owning team hosts,
        other staff take part, the patient side waits in the waiting room."""
        member = await store.meetings.member_role(meeting.id, actor.user_id)
        if member is not None:
            return member
        if meeting.thread_id is None:
            return None
        scope = await store.threads.scope(meeting.thread_id)
        if scope is None or not access.can_view(actor, scope):
            return None
        if actor.is_staff:
            return Role.HOST if scope.team_id in actor.team_ids else Role.STAFF
        return Role.PATIENT

    async def _log_join(
        self,
        store: Store,
        actor: Actor,
        meeting: Meeting,
        remote_addr: str | None,
    ) -> None:
        """The linked thread's patient (its unit's log); for a standalone meeting each invited
        patient (the unit they are listed at, else the joining staff member's unit)."""
        entries: list[audit.Access] = []
        if meeting.thread_id is not None:
            scope = await store.threads.scope(meeting.thread_id)
            if scope is not None:
                entries.append(
                    audit.Access(
                        scope.patient_id,
                        scope.unit_id,
                        "meeting.join",
                        thread_id=scope.thread_id,
                        flagged=access.under_override(actor, scope),
                    )
                )
        else:
            own_units = sorted(actor.unit_ids, key=str)
            for patient in await store.privacy.patients_of_users(
                await store.meetings.patient_members(meeting.id)
            ):
                unit_id = patient.unit_id or (own_units[0] if own_units else None)
                if unit_id is not None:
                    entries.append(audit.Access(patient.id, unit_id, "meeting.join"))
        await audit.record(store, actor, remote_addr, entries, utcnow())

    async def _add_member(
        self, store: Store, meeting_id: uuid.UUID, user_id: uuid.UUID
    ) -> Role:
        user = await store.directory.user(user_id)
        if user is None or not user.active:
            raise NaraError(ErrorCode.VALIDATION_FAILED, "unknown user")
        role = Role.STAFF if user.kind == UserKind.STAFF else Role.PATIENT
        await store.meetings.add_member(meeting_id, user_id, role)
        return role


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.ENDED:
        raise NaraError(ErrorCode.MEETING_ENDED, "the meeting has ended")


def _guest(meeting: Meeting, invite: MeetingInvite, rejoin: str) -> Entry:
    return Entry(
        meeting.id,
        meeting.thread_id,
        meeting.max_participants,
        Role.GUEST,
        invite.guest_name,
        None,
        None,
        rejoin,
    )


def _view(meeting: Meeting, role: str | None) -> MeetingView:
    return MeetingView(
        id=meeting.id,
        thread_id=meeting.thread_id,
        title=meeting.title,
        status=meeting.status,
        scheduled_at=meeting.scheduled_at,
        max_participants=meeting.max_participants,
        my_role=role or "",
    )
