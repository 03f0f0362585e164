"""Standardsvar: a unit's answer texts with placeholders, filled in for one thread and then
edited by staff before they send (nothing is sent from here)."""

from __future__ import annotations

import re
import uuid

from chat import access
from chat.access import Actor
from chat.case_types.models import StandardAnswer
from chat.case_types.views import StandardAnswerView
from chat.errors import ErrorCode, NaraError, not_found
from chat.service import Caller, ChatService
from chat.storage import Store
from chat.storage.case_types import CaseTypeRepository

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# name: what it becomes (documented in the README and shown in the editor)
PLACEHOLDERS = {
    "förnamn": "the patient's first name",
    "enhet": "the care unit's name",
    "telefontider": "the unit's telephone hours",
    "mitt_namn": "the sender's name",
}


def repo(store: Store) -> CaseTypeRepository:
    return CaseTypeRepository(store.session)


def check_placeholders(body: str) -> None:
    unknown = sorted({p for p in PLACEHOLDER.findall(body) if p not in PLACEHOLDERS})
    if unknown:
        raise NaraError(
            ErrorCode.VALIDATION_FAILED,
            "unknown placeholder; use " + ", ".join("{" + p + "}" for p in PLACEHOLDERS),
            reason="unknown_placeholder",
            details={"errors": [{"field": "body", "problem": "unknown_placeholder"}]},
        )


def fill(body: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


class StandardAnswers:
    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        self.db = chat.db

    async def for_unit(self, actor: Actor, unit_id: uuid.UUID) -> list[StandardAnswerView]:
        access.require_unit_staff(actor, unit_id)
        async with self.db.read() as store:
            return [_view(r) for r in await repo(store).standard_answers([unit_id])]

    async def save(
        self,
        actor: Actor,
        unit_id: uuid.UUID,
        title: str,
        body: str,
        answer_id: uuid.UUID | None = None,
    ) -> StandardAnswerView:
        access.require_unit_admin(actor, unit_id)
        check_placeholders(body)
        async with self.db.write() as store:
            row = await repo(store).standard_answer(answer_id) if answer_id else None
            if answer_id is not None and (row is None or row.unit_id != unit_id):
                raise not_found("standard answer")
            if row is None:
                row = StandardAnswer(id=uuid.uuid4(), unit_id=unit_id)
                repo(store).add(row)
            row.title, row.body = title, body
            row.updated_by, row.updated_at = actor.user_id, self.chat.clock()
            return _view(row)

    async def delete(self, actor: Actor, unit_id: uuid.UUID, answer_id: uuid.UUID) -> None:
        access.require_unit_admin(actor, unit_id)
        async with self.db.write() as store:
            row = await repo(store).standard_answer(answer_id)
            if row is None or row.unit_id != unit_id:
                raise not_found("standard answer")
            await repo(store).delete_standard_answer(row)

    async def phone_hours(self, actor: Actor, unit_id: uuid.UUID) -> str:
        access.require_unit_staff(actor, unit_id)
        async with self.db.read() as store:
            return await repo(store).phone_hours(unit_id) or ""

    async def set_phone_hours(self, actor: Actor, unit_id: uuid.UUID, text: str) -> str:
        access.require_unit_admin(actor, unit_id)
        async with self.db.write() as store:
            await repo(store).set_phone_hours(unit_id, text.strip())
        return text.strip()

    async def for_thread(self, caller: Caller, thread_id: uuid.UUID) -> list[StandardAnswerView]:
        """The standard answers of the thread's unit, filled in for its patient. Staff only;
        the patient's name is shown, so it is a logged read of the thread."""
        a = caller.actor
        access.require_staff(a)
        async with self.db.write() as store:
            scope = access.require_view(a, await store.threads.scope(thread_id))
            patient = await store.directory.patient(scope.patient_id)
            unit = await store.directory.unit(scope.unit_id)
            assert patient is not None and unit is not None
            values = {
                "förnamn": patient.name.split()[0] if patient.name.split() else "",
                "enhet": unit.name,
                "telefontider": await repo(store).phone_hours(scope.unit_id) or "",
                "mitt_namn": a.display_name,
            }
            rows = await repo(store).standard_answers([scope.unit_id])
            await self.chat.log_read(store, caller, scope, "standard_answers.read")
        return [_view(r, fill(r.body, values)) for r in rows]


def _view(r: StandardAnswer, filled: str | None = None) -> StandardAnswerView:
    return StandardAnswerView(
        id=r.id,
        unit_id=r.unit_id,
        title=r.title,
        body=r.body,
        filled=filled,
        updated_at=r.updated_at,
    )
