"""Meeting rules that need the database: create, invite, who may join with which role."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chat import access, audit
from chat.access import Actor
from chat.errors import ErrorCode, NaraError, not_found
from chat.models import UserKind, utcnow
from chat.storage import Database, Store
from signaling.meeting_models import Meeting, MeetingInvite, MeetingStatus, Role
from signaling.meeting_store import MeetingRepository

if TYPE_CHECKING:
    from chat.notifications.followup import Followup


@dataclass(frozen=True)
class MeetingView:
    id: uuid.UUID
    thread_id: uuid.UUID | None
    title: str
    status: str
    scheduled_at: datetime | None
    max_participants: int
    my_role: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "thread_id": str(self.thread_id) if self.thread_id else None,
            "title": self.title,
            "status": self.status,
            "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
            "max_participants": self.max_participants,
            "my_role": self.my_role,
        }


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


def invite_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MeetingService:
    def __init__(self, db: Database, *, max_participants: int = 8) -> None:
        self.db = db
        self.max_participants = max_participants
        # Tells the patient side of an invitation (chat/notifications/followup.py).
        self.followup: Followup | None = None

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
            repo = MeetingRepository(store.session)
            await repo.add(meeting)
            await repo.add_member(meeting.id, actor.user_id, Role.HOST)
            invited = []
            for uid in member_ids:
                if await self._add_member(store, repo, meeting.id, uid) == Role.PATIENT:
                    invited.append(uid)
            if self.followup is not None:
                scope = await store.threads.scope(thread_id) if thread_id is not None else None
                await self.followup.meeting_invited(
                    store, meeting.id, scope=scope, user_ids=invited, now=utcnow()
                )
            return _view(meeting, Role.HOST)

    async def add_member(self, actor: Actor, meeting_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """A host invites another profession (or a patient to a standalone meeting)."""
        async with self.db.write() as store:
            repo = MeetingRepository(store.session)
            meeting = await self._meeting(store, repo, actor, meeting_id)
            if await self._role(store, repo, actor, meeting) != Role.HOST:
                raise NaraError(ErrorCode.FORBIDDEN, "only a host may invite")
            role = await self._add_member(store, repo, meeting_id, user_id)
            if self.followup is not None and role == Role.PATIENT:
                await self.followup.meeting_invited(
                    store, meeting_id, scope=None, user_ids=[user_id], now=utcnow()
                )

    async def get(self, actor: Actor, meeting_id: uuid.UUID) -> MeetingView:
        async with self.db.read() as store:
            repo = MeetingRepository(store.session)
            meeting = await self._meeting(store, repo, actor, meeting_id)
            return _view(meeting, await self._role(store, repo, actor, meeting))

    async def for_thread(self, actor: Actor, thread_id: uuid.UUID) -> list[MeetingView]:
        async with self.db.read() as store:
            access.require_view(actor, await store.threads.scope(thread_id))
            repo = MeetingRepository(store.session)
            return [
                _view(m, await self._role(store, repo, actor, m))
                for m in await repo.for_thread(thread_id)
            ]

    async def invite_guest(
        self, actor: Actor, meeting_id: uuid.UUID, guest_name: str, ttl: timedelta
    ) -> tuple[str, datetime]:
        """A single-use link for a guest (interpreter, another organisation's nurse)."""
        token = secrets.token_urlsafe(32)
        expires = utcnow() + ttl
        async with self.db.write() as store:
            repo = MeetingRepository(store.session)
            meeting = await self._meeting(store, repo, actor, meeting_id)
            if await self._role(store, repo, actor, meeting) != Role.HOST:
                raise NaraError(ErrorCode.FORBIDDEN, "only a host may invite guests")
            _require_open(meeting)
            repo.add_invite(
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
            await MeetingRepository(store.session).set_status(meeting_id, status, ended)

    async def mark_live(self, meeting_id: uuid.UUID) -> None:
        async with self.db.write() as store:
            await MeetingRepository(store.session).mark_live(meeting_id)

    async def entry_for_user(
        self, actor: Actor, meeting_id: uuid.UUID, remote_addr: str | None = None
    ) -> Entry:
        """Staff joining a patient's meeting is a read of patient data: access-logged."""
        async with self.db.write() if actor.is_staff else self.db.read() as store:
            repo = MeetingRepository(store.session)
            meeting = await self._meeting(store, repo, actor, meeting_id)
            _require_open(meeting)
            role = await self._role(store, repo, actor, meeting)
            if actor.is_staff:
                await self._log_join(store, repo, actor, meeting, remote_addr)
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
        """Consume the link: expired, used, revoked or foreign links all answer the same."""
        async with self.db.write() as store:
            repo = MeetingRepository(store.session)
            invite = await repo.use_invite(invite_hash(token), utcnow())
            meeting = await repo.get(meeting_id) if invite else None
            if invite is None or meeting is None or invite.meeting_id != meeting_id:
                raise NaraError(ErrorCode.INVITE_INVALID, "the link is not valid any more")
            _require_open(meeting)
        return Entry(
            meeting.id,
            meeting.thread_id,
            meeting.max_participants,
            Role.GUEST,
            invite.guest_name,
            None,
            None,
        )

    async def _meeting(
        self, store: Store, repo: MeetingRepository, actor: Actor, meeting_id: uuid.UUID
    ) -> Meeting:
        meeting = await repo.get(meeting_id)
        if meeting is None or await self._role(store, repo, actor, meeting) is None:
            raise not_found("meeting")
        return meeting

    async def _role(
        self, store: Store, repo: MeetingRepository, actor: Actor, meeting: Meeting
    ) -> str | None:
        """Members by account; else whoever may see the linked thread: its owning team hosts,
        other staff take part, the patient side waits in the waiting room."""
        member = await repo.member_role(meeting.id, actor.user_id)
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
        repo: MeetingRepository,
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
                await repo.patient_members(meeting.id)
            ):
                unit_id = patient.unit_id or (own_units[0] if own_units else None)
                if unit_id is not None:
                    entries.append(audit.Access(patient.id, unit_id, "meeting.join"))
        await audit.record(store, actor, remote_addr, entries, utcnow())

    async def _add_member(
        self, store: Store, repo: MeetingRepository, meeting_id: uuid.UUID, user_id: uuid.UUID
    ) -> Role:
        user = await store.directory.user(user_id)
        if user is None or not user.active:
            raise NaraError(ErrorCode.VALIDATION_FAILED, "unknown user")
        role = Role.STAFF if user.kind == UserKind.STAFF else Role.PATIENT
        await repo.add_member(meeting_id, user_id, role)
        return role


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.ENDED:
        raise NaraError(ErrorCode.MEETING_ENDED, "the meeting has ended")


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
