"""Case types as data: units copy the national templates and edit them (each edit a new
version; a thread keeps the version it was started with), patients start them with a form
that is checked here, and staff send them to a patient (invånarärende).

Threads and messages are made through ChatService's public methods, so routing (nlp/), the
emergency screening, notices and the access log work as for any first message.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from chat import access
from chat.access import Actor
from chat.case_types.forms import (
    FieldDef,
    file_ids,
    parse_fields,
    summary,
    summary_items,
    validate_answers,
)
from chat.case_types.models import (
    Audience,
    CaseAnswer,
    CaseRequest,
    CaseType,
    CaseTypeVersion,
    RequestState,
)
from chat.case_types.templates import Definition, templates
from chat.case_types.views import (
    AnswerItem,
    CaseFormView,
    CaseRequestView,
    CaseTypeView,
    StartResult,
    TemplateView,
    case_type_view,
)
from chat.errors import ErrorCode, NaraError, not_found
from chat.models import ThreadStatus
from chat.notifications.followup import service_level
from chat.presenters import patient_person
from chat.promise import deadline, step_time
from chat.service import STOCKHOLM, Caller, ChatService, NewMessage, today
from chat.storage import Store
from chat.storage.case_types import CaseTypeRepository
from chat.views import MessageView, SendResult


def repo(store: Store) -> CaseTypeRepository:
    return CaseTypeRepository(store.session)


class CaseTypeService:
    def __init__(self, chat: ChatService, reminder_hours: int = 72) -> None:
        self.chat = chat
        self.db = chat.db
        self.reminder_hours = reminder_hours

    # -- administration --------------------------------------------------------------------

    def templates(self, actor: Actor) -> list[TemplateView]:
        access.require_staff(actor)
        return [TemplateView(**t.model_dump()) for t in templates().values()]

    async def unit_case_types(self, actor: Actor, unit_id: uuid.UUID) -> list[CaseTypeView]:
        access.require_unit_staff(actor, unit_id)
        async with self.db.read() as store:
            rows = await repo(store).current([unit_id], active_only=False)
            return [case_type_view(c, v) for c, v in rows]

    async def versions(self, actor: Actor, case_type_id: uuid.UUID) -> list[CaseTypeView]:
        async with self.db.read() as store:
            c = await self._staff_case_type(store, actor, case_type_id)
            return [case_type_view(c, v) for v in await repo(store).versions(c.id)]

    async def create(
        self,
        actor: Actor,
        unit_id: uuid.UUID,
        key: str,
        definition: Definition,
        *,
        team_id: uuid.UUID | None = None,
        template_key: str | None = None,
    ) -> CaseTypeView:
        access.require_unit_admin(actor, unit_id)
        now = self.chat.clock()
        async with self.db.write() as store:
            await _check_team(store, unit_id, team_id)
            if await repo(store).key_taken(unit_id, key):
                raise NaraError(
                    ErrorCode.CONFLICT, "the unit already has a case type with this key"
                )
            c = CaseType(
                id=uuid.uuid4(),
                unit_id=unit_id,
                key=key,
                template_key=template_key,
                current_version=1,
                active=True,
                created_at=now,
                updated_at=now,
            )
            repo(store).add(c)
            await repo(store).flush()
            v = _version(c.id, 1, definition, team_id, actor, now)
            repo(store).add(v)
            return case_type_view(c, v)

    async def copy_template(
        self,
        actor: Actor,
        unit_id: uuid.UUID,
        template_key: str,
        *,
        key: str | None = None,
        team_id: uuid.UUID | None = None,
    ) -> CaseTypeView:
        template = templates().get(template_key)
        if template is None:
            raise not_found("template")
        definition = Definition(**template.model_dump(exclude={"key"}))
        return await self.create(
            actor,
            unit_id,
            key or template.key,
            definition,
            team_id=team_id,
            template_key=template.key,
        )

    async def update(
        self,
        actor: Actor,
        case_type_id: uuid.UUID,
        definition: Definition,
        *,
        team_id: uuid.UUID | None = None,
    ) -> CaseTypeView:
        """A new version; threads started earlier keep theirs."""
        now = self.chat.clock()
        async with self.db.write() as store:
            c = await self._admin_case_type(store, actor, case_type_id)
            await _check_team(store, c.unit_id, team_id)
            number = await repo(store).bump_version(c.id, now)
            v = _version(c.id, number, definition, team_id, actor, now)
            repo(store).add(v)
            c.current_version, c.updated_at = number, now
            return case_type_view(c, v)

    async def set_active(self, actor: Actor, case_type_id: uuid.UUID, active: bool) -> CaseTypeView:
        async with self.db.write() as store:
            c = await self._admin_case_type(store, actor, case_type_id)
            c.active, c.updated_at = active, self.chat.clock()
            v = await repo(store).version(c.id, c.current_version)
            assert v is not None
            return case_type_view(c, v)

    # -- the patient side ------------------------------------------------------------------

    async def available(self, actor: Actor, patient_id: uuid.UUID) -> list[CaseTypeView]:
        """Case types the patient (or guardian, for the child) may start."""
        access.require_patient_scope(actor, patient_id)
        async with self.db.read() as store:
            patient = await store.directory.patient(patient_id)
            if patient is None:
                raise not_found("patient")
            contact_units = frozenset(await repo(store).contact_units(patient_id))
            units = set(contact_units) | ({patient.unit_id} if patient.unit_id else set())
            rows = await repo(store).current(sorted(units), active_only=True)
            names = await store.privacy.units(sorted(units))
            return [
                case_type_view(c, v, names[c.unit_id].name if c.unit_id in names else None)
                for c, v in rows
                if access.may_start_case_type(
                    actor,
                    patient_id,
                    audience=v.audience,
                    case_unit_id=c.unit_id,
                    listed_unit_id=patient.unit_id,
                    contact_unit_ids=contact_units,
                )
            ]

    async def form(self, actor: Actor, case_type_id: uuid.UUID) -> CaseTypeView:
        """The current version of a case type, for whoever may start or send it."""
        async with self.db.read() as store:
            c = await repo(store).case_type(case_type_id)
            if c is None or not c.active:
                raise not_found("case type")
            if actor.is_staff:
                access.require_unit_staff(actor, c.unit_id)
            v = await repo(store).version(c.id, c.current_version)
            assert v is not None
            return case_type_view(c, v)

    async def start(
        self,
        caller: Caller,
        case_type_id: uuid.UUID,
        *,
        patient_id: uuid.UUID,
        answers: dict[str, Any],
        client_id: str,
    ) -> StartResult:
        """A patient starts a case type: the answers are checked before anything is stored,
        then the thread starts with their summary as its first message: to the case type's
        team, to the patient's care contact (audience "care_contact"), else routed by nlp/."""
        a = caller.actor
        async with self.db.read() as store:
            c, v = await self._startable(store, a, case_type_id, patient_id)
            fields = parse_fields(v.fields)
            clean = validate_answers(fields, answers, today=today(), files_allowed=False)
            contact = None  # the case type's team, the care contact, else routing (nlp/)
            if v.team_id is None and v.audience == Audience.CARE_CONTACT:
                contact = await repo(store).contact_in_unit(patient_id, c.unit_id)

        async def with_answers(store: Store, thread_id: uuid.UUID, first: MessageView) -> None:
            # In the thread's own transaction: a thread without its answers is never stored.
            repo(store).add(
                CaseAnswer(
                    thread_id=thread_id,
                    version_id=v.id,
                    message_id=first.id,
                    answers=clean,
                    answered_by=a.user_id,
                    answered_at=self.chat.clock(),
                )
            )
            await store.threads.touch(
                thread_id, self.chat.clock(), attachments_allowed=v.attachments_allowed
            )
            await self._promise(store, thread_id, v.response_time_hours)

        result = await self.chat.create_thread(
            caller,
            patient_id=patient_id,
            subject=v.name,
            first=NewMessage(client_id=client_id, body=summary(v.name, fields, clean)),
            care_contact_id=contact.id if contact is not None else None,
            team_id=v.team_id,
            case_type=c.key,
            then=with_answers,
        )
        assert result.thread is not None
        async with self.db.read() as store:
            form = await self._form_view(store, result.thread.id)
        return StartResult(**result.model_dump(), form=form)

    async def requests(self, actor: Actor) -> list[CaseRequestView]:
        """The invånarärenden sent to me and the children I act for, newest first."""
        if actor.is_staff:
            return []
        async with self.db.read() as store:
            rows = await repo(store).requests_for_patients(sorted(actor.patient_ids))
            return [await self._request_view(store, r) for r in rows]

    async def answer_request(
        self,
        caller: Caller,
        request_id: uuid.UUID,
        *,
        answers: dict[str, Any],
        client_id: str,
    ) -> StartResult:
        """The patient side answers a sent form: checked first, then sent into the request's
        thread (files uploaded there are bound to the answer message in the same step)."""
        a = caller.actor
        async with self.db.read() as store:
            req = await repo(store).request(request_id)
            if req is None:
                raise not_found("request")
            access.require_answer_request(a, req.patient_id)
            if req.state != RequestState.SENT:
                raise NaraError(ErrorCode.CONFLICT, "this form is already answered")
            v = await repo(store).version_by_id(req.version_id)
            assert v is not None
            fields = parse_fields(v.fields)
            clean = validate_answers(
                fields, answers, today=today(), files_allowed=v.attachments_allowed
            )
        new = NewMessage(
            client_id=client_id,
            body=summary(v.name, fields, clean),
            attachment_ids=file_ids(fields, clean),
        )
        result = await self.chat.send(caller, req.thread_id, new)
        async with self.db.write() as store:
            if await repo(store).claim_answer(req.id, self.chat.clock()):
                repo(store).add(
                    CaseAnswer(
                        thread_id=req.thread_id,
                        version_id=v.id,
                        message_id=result.message.id,
                        answers=clean,
                        answered_by=a.user_id,
                        answered_at=self.chat.clock(),
                    )
                )
            form = await self._form_view(store, req.thread_id)
        return StartResult(**result.model_dump(), form=form)

    # -- the staff side --------------------------------------------------------------------

    async def send_request(
        self,
        caller: Caller,
        case_type_id: uuid.UUID,
        *,
        patient_id: uuid.UUID,
        client_id: str,
        team_id: uuid.UUID | None = None,
        meeting_id: uuid.UUID | None = None,
        planned_at: datetime | None = None,
        note: str = "",
    ) -> SendResult:
        """Invånarärende: a thread to the patient (and guardians) that asks for the form; its
        first message is a staff message, so the patient side is notified."""
        a = caller.actor
        async with self.db.read() as store:
            c = await self._staff_case_type(store, a, case_type_id)
            if not c.active:
                raise not_found("case type")
            v = await repo(store).version(c.id, c.current_version)
            assert v is not None
            team = await self._sending_team(store, a, c, v, team_id)
            if meeting_id is not None:
                await self._check_meeting(store, a, meeting_id, patient_id)
            unit = await store.directory.unit(c.unit_id)
        body = _request_text(unit.name if unit else "", v.name, planned_at, note)

        async def with_request(store: Store, thread_id: uuid.UUID, first: MessageView) -> None:
            # In the thread's own transaction: a request thread is never stored without it.
            now = self.chat.clock()
            repo(store).add(
                CaseRequest(
                    id=uuid.uuid4(),
                    thread_id=thread_id,
                    version_id=v.id,
                    patient_id=patient_id,
                    sent_by=a.user_id,
                    meeting_id=meeting_id,
                    planned_at=planned_at,
                    state=RequestState.SENT,
                    remind_at=now + timedelta(hours=self.reminder_hours),
                    created_at=now,
                )
            )
            await store.threads.touch(
                thread_id,
                now,
                status=ThreadStatus.WAITING_FOR_PATIENT,
                attachments_allowed=v.attachments_allowed,
            )

        return await self.chat.create_thread(
            caller,
            patient_id=patient_id,
            subject=v.name,
            first=NewMessage(client_id=client_id, body=body),
            team_id=team,
            case_type=c.key,
            then=with_request,
        )

    async def thread_form(self, caller: Caller, thread_id: uuid.UUID) -> CaseFormView:
        """A thread's form and answers (staff reads are logged like the thread)."""
        async with self.db.write() if caller.actor.is_staff else self.db.read() as store:
            scope = access.require_view(caller.actor, await store.threads.scope(thread_id))
            view = await self._form_view(store, thread_id)
            if view is None:
                raise not_found("form")
            await self.chat.log_read(store, caller, scope, "case_form.read")
            return view

    # -- internals -------------------------------------------------------------------------

    async def _staff_case_type(
        self, store: Store, actor: Actor, case_type_id: uuid.UUID
    ) -> CaseType:
        c = await repo(store).case_type(case_type_id)
        if c is None or not actor.is_staff or c.unit_id not in actor.unit_ids:
            raise not_found("case type")
        return c

    async def _admin_case_type(
        self, store: Store, actor: Actor, case_type_id: uuid.UUID
    ) -> CaseType:
        c = await self._staff_case_type(store, actor, case_type_id)
        if c.unit_id not in actor.admin_unit_ids:
            raise NaraError(ErrorCode.FORBIDDEN, "only unit administrators edit case types")
        return c

    async def _startable(
        self, store: Store, actor: Actor, case_type_id: uuid.UUID, patient_id: uuid.UUID
    ) -> tuple[CaseType, CaseTypeVersion]:
        access.require_patient_scope(actor, patient_id)
        c = await repo(store).case_type(case_type_id)
        patient = await store.directory.patient(patient_id)
        if c is None or patient is None or not c.active:
            raise not_found("case type")
        v = await repo(store).version(c.id, c.current_version)
        assert v is not None
        allowed = access.may_start_case_type(
            actor,
            patient_id,
            audience=v.audience,
            case_unit_id=c.unit_id,
            listed_unit_id=patient.unit_id,
            contact_unit_ids=frozenset(await repo(store).contact_units(patient_id)),
        )
        if not allowed:
            raise not_found("case type")
        return c, v

    async def _sending_team(
        self,
        store: Store,
        actor: Actor,
        c: CaseType,
        v: CaseTypeVersion,
        team_id: uuid.UUID | None,
    ) -> uuid.UUID:
        """The team that owns the sent thread: the one chosen, the case type's, or the
        sender's first team in the case type's unit."""
        units = await repo(store).team_units(sorted(actor.team_ids))
        if team_id is not None:
            if units.get(team_id) != c.unit_id:
                raise not_found("team")
            return team_id
        if v.team_id is not None and units.get(v.team_id) == c.unit_id:
            return v.team_id
        mine = sorted((t for t, u in units.items() if u == c.unit_id), key=str)
        if not mine:
            raise not_found("team")
        return mine[0]

    async def _check_meeting(
        self, store: Store, actor: Actor, meeting_id: uuid.UUID, patient_id: uuid.UUID
    ) -> None:
        """A meeting the sender can see, held in one of this patient's threads."""
        thread_id = await repo(store).meeting_thread(meeting_id)
        scope = await store.threads.scope(thread_id) if thread_id else None
        if scope is None or scope.patient_id != patient_id or not access.can_view(actor, scope):
            raise not_found("meeting")

    async def _promise(self, store: Store, thread_id: uuid.UUID, hours: int) -> None:
        """The case type's promised answer time, where it is sooner than the thread's."""
        thread = await store.threads.get(thread_id)
        scope = await store.threads.scope(thread_id)
        assert thread is not None and scope is not None
        opening, steps = await service_level(store, scope.unit_id)
        due = deadline(self.chat.clock(), hours, opening)
        promise = await store.notifications.promise(thread_id)
        if promise is not None and promise.waiting_since is not None:
            if promise.due_at is None or due < promise.due_at:
                promise.due_at = due
                step = promise.escalation_step
                promise.next_check_at = (
                    step_time(due, steps[step], opening) if step < len(steps) else None
                )
            thread.response_due_at = promise.due_at
        elif thread.response_due_at is None or due < thread.response_due_at:
            thread.response_due_at = due

    async def _form_view(self, store: Store, thread_id: uuid.UUID) -> CaseFormView | None:
        answer = await repo(store).answer(thread_id)
        req = await repo(store).request_for_thread(thread_id)
        version_id = answer.version_id if answer else req.version_id if req else None
        if version_id is None:
            return None
        v = await repo(store).version_by_id(version_id)
        assert v is not None
        c = await repo(store).case_type(v.case_type_id)
        assert c is not None
        fields: list[FieldDef] = parse_fields(v.fields)
        items = summary_items(fields, answer.answers) if answer else []
        return CaseFormView(
            thread_id=thread_id,
            case_type=case_type_view(c, v),
            request_id=req.id if req else None,
            request_state=req.state if req else None,
            answered_at=answer.answered_at if answer else None,
            items=[AnswerItem(**i) for i in items],
        )

    async def _request_view(self, store: Store, r: CaseRequest) -> CaseRequestView:
        v = await repo(store).version_by_id(r.version_id)
        patient = await store.directory.patient(r.patient_id)
        assert v is not None and patient is not None
        return CaseRequestView(
            id=r.id,
            thread_id=r.thread_id,
            patient=patient_person(patient),
            case_type_id=v.case_type_id,
            name=v.name,
            version=v.version,
            state=r.state,
            meeting_id=r.meeting_id,
            planned_at=r.planned_at,
            created_at=r.created_at,
            answered_at=r.answered_at,
        )


async def _check_team(store: Store, unit_id: uuid.UUID, team_id: uuid.UUID | None) -> None:
    if team_id is None:
        return
    team = await store.directory.team(team_id)
    if team is None or team.unit_id != unit_id:
        message = "the receiving team must belong to the unit"
        problem = {"field": "team_id", "problem": message, "code": "team_not_in_unit"}
        raise NaraError(ErrorCode.VALIDATION_FAILED, message, details={"errors": [problem]})


def _version(
    case_type_id: uuid.UUID,
    number: int,
    d: Definition,
    team_id: uuid.UUID | None,
    actor: Actor,
    now: datetime,
) -> CaseTypeVersion:
    return CaseTypeVersion(
        id=uuid.uuid4(),
        case_type_id=case_type_id,
        version=number,
        name=d.name,
        description=d.description,
        audience=Audience(d.audience).value,
        team_id=team_id,
        response_time_hours=d.response_time_hours,
        attachments_allowed=d.attachments_allowed,
        fields=[f.model_dump(exclude_defaults=True) for f in d.fields],
        created_by=actor.user_id,
        created_at=now,
    )


def _request_text(unit: str, name: str, planned_at: datetime | None, note: str) -> str:
    lines = [f"{unit or 'Vården'} ber dig fylla i formuläret ”{name}”."]
    if planned_at is not None:
        local = planned_at.astimezone(STOCKHOLM)
        lines.append(f"Det gäller ditt besök {local:%Y-%m-%d} kl. {local:%H:%M}.")
    if note.strip():
        lines += ["", note.strip()]
    lines += ["", "Öppna ärendet och svara när det passar dig."]
    return "\n".join(lines)
