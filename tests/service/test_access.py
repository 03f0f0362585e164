"""chat/access.py on real actors and thread scopes loaded from the demo database."""

from __future__ import annotations

import uuid

import pytest

from chat import access
from chat.access import ThreadScope
from chat.errors import ErrorCode, NaraError
from chat.models import MessageKind, ThreadStatus
from chat.service import ChatService
from chat.storage import Database
from server.demo import DemoIds
from tests.service.conftest import People, anna_thread


async def _scope(db: Database, thread_id: uuid.UUID) -> ThreadScope:
    async with db.read() as store:
        scope = await store.threads.scope(thread_id)
    assert scope is not None
    return scope


@pytest.fixture
async def scope(chat: ChatService, as_: People, demo: DemoIds, db: Database) -> ThreadScope:
    return await _scope(db, await anna_thread(chat, as_, demo))


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("anna", True),  # the patient
        ("sara", True),  # the owning team (allmän)
        ("lars", True),
        ("bertil", False),  # another patient
        ("fia", False),  # same unit, another team
        ("olle", False),  # another unit
        ("maja", False),  # another organisation, not added
    ],
)
async def test_who_sees_a_thread(scope: ThreadScope, as_: People, username: str, sees: bool):
    actor = (await as_(username)).actor
    assert access.can_view(actor, scope) is sees
    if not sees:
        with pytest.raises(NaraError) as err:
            access.require_view(actor, scope)
        # Exactly like a thread that does not exist.
        assert err.value.to_dict() == {"code": "not_found", "message": "thread not found"}


async def test_a_missing_thread_answers_like_a_hidden_one(as_: People) -> None:
    with pytest.raises(NaraError) as err:
        access.require_view((await as_("sara")).actor, None)
    assert err.value.to_dict() == {"code": "not_found", "message": "thread not found"}


async def test_only_the_owning_team_manages(scope: ThreadScope, as_: People) -> None:
    access.require_manage((await as_("sara")).actor, scope)
    maja = (await as_("maja")).actor
    added = ThreadScope(**{**scope.__dict__, "participant_ids": frozenset({maja.user_id})})
    assert access.can_view(maja, added)  # an added participant sees the thread …
    with pytest.raises(NaraError) as err:  # … but does not manage it
        access.require_manage(maja, added)
    assert err.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(NaraError):
        access.require_manage((await as_("anna")).actor, scope)


async def test_posting_rules(scope: ThreadScope, as_: People) -> None:
    anna, sara = (await as_("anna")).actor, (await as_("sara")).actor
    for actor, kind, code in (
        (anna, MessageKind.INTERNAL_NOTE, ErrorCode.FORBIDDEN),
        (sara, MessageKind.SYSTEM, ErrorCode.FORBIDDEN),
    ):
        with pytest.raises(NaraError) as err:
            access.require_post(actor, scope, kind)
        assert err.value.code == code
    access.require_post(sara, scope, MessageKind.INTERNAL_NOTE)
    closed = ThreadScope(**{**scope.__dict__, "status": ThreadStatus.CLOSED})
    with pytest.raises(NaraError) as err:
        access.require_post(anna, closed, MessageKind.TEXT)
    assert err.value.code == ErrorCode.THREAD_CLOSED
    access.require_post(sara, closed, MessageKind.TEXT)


async def test_attachments_switched_off_bind_patients_only(
    scope: ThreadScope, as_: People
) -> None:
    off = ThreadScope(**{**scope.__dict__, "attachments_allowed": False})
    access.require_attach((await as_("sara")).actor, off)
    with pytest.raises(NaraError) as err:
        access.require_attach((await as_("anna")).actor, off)
    assert err.value.code == ErrorCode.ATTACHMENTS_DISABLED


async def test_a_consultation_without_the_patient_is_hidden_from_them(
    scope: ThreadScope, as_: People
) -> None:
    hidden = ThreadScope(**{**scope.__dict__, "patient_visible": False})
    assert not access.can_view((await as_("anna")).actor, hidden)
    assert access.can_view((await as_("sara")).actor, hidden)


async def test_sparr_keeps_an_added_participant_of_another_unit_out(
    scope: ThreadScope, as_: People
) -> None:
    maja = (await as_("maja")).actor
    blocked = ThreadScope(
        **{**scope.__dict__, "blocked": True, "participant_ids": frozenset({maja.user_id})}
    )
    assert not access.can_view(maja, blocked)
    assert access.sees_blocked_stub(maja, blocked)
    assert access.hidden_participants(blocked) == {maja.user_id}
    with pytest.raises(NaraError) as err:
        access.require_view(maja, blocked)
    assert (err.value.code, err.value.reason) == (ErrorCode.FORBIDDEN, "blocked")
    with pytest.raises(NaraError) as err:
        access.require_emergency_access(maja, blocked, "för kort")
    assert err.value.code == ErrorCode.VALIDATION_FAILED
    access.require_emergency_access(maja, blocked, "Patienten är medvetslös hos oss")
    opened = ThreadScope(**{**blocked.__dict__, "override_ids": frozenset({maja.user_id})})
    assert access.can_view(maja, opened) and access.under_override(maja, opened)
    # The own unit's staff are never kept out, and need no override.
    sara = (await as_("sara")).actor
    assert access.can_view(sara, blocked) and not access.under_override(sara, blocked)
    with pytest.raises(NaraError) as err:
        access.require_emergency_access(sara, blocked, "Patienten är medvetslös hos oss")
    assert err.value.code == ErrorCode.CONFLICT


async def test_transfer_stays_within_the_unit(
    scope: ThreadScope, demo: DemoIds, db: Database
) -> None:
    access.require_transfer_target(scope, demo.unit_id)
    for unit in (demo.other_unit_id, None):
        with pytest.raises(NaraError) as err:
            access.require_transfer_target(scope, unit)
        assert err.value.reason == "other_unit"


async def test_care_relation(db: Database, as_: People, demo: DemoIds) -> None:
    async with db.read() as store:
        bertil = await store.privacy.care_relation(demo.patients["bertil"])
    assert bertil is not None
    assert access.has_care_relation((await as_("fia")).actor, bertil)  # listed at her unit
    assert not access.has_care_relation((await as_("olle")).actor, bertil)
    assert not access.has_care_relation((await as_("anna")).actor, bertil)  # not staff
    with pytest.raises(NaraError) as err:
        access.require_care_relation((await as_("maja")).actor, bertil)
    assert err.value.message == "patient not found"


async def test_unit_administration_and_the_log(as_: People, demo: DemoIds) -> None:
    lars, sara = (await as_("lars")).actor, (await as_("sara")).actor
    assert access.log_scope(lars, demo.unit_id) == [demo.unit_id]
    for actor, unit in ((sara, demo.unit_id), (lars, demo.other_unit_id)):
        with pytest.raises(NaraError) as err:
            access.log_scope(actor, unit)
        assert err.value.message == "unit not found"


async def test_guardian_scope_covers_the_child(as_: People, demo: DemoIds) -> None:
    anna = (await as_("anna")).actor
    access.require_patient_side(anna, demo.patients["elsa"])
    for patient in ("bertil", "cecilia"):
        with pytest.raises(NaraError):
            access.require_patient_side(anna, demo.patients[patient])
    with pytest.raises(NaraError):  # staff are never the patient side
        access.require_patient_side((await as_("sara")).actor, demo.patients["anna"])


async def test_alerts_go_to_the_whole_unit(as_: People, demo: DemoIds) -> None:
    assert access.require_alert((await as_("fia")).actor, demo.unit_id) == demo.unit_id
    for who in ("olle", "anna"):
        with pytest.raises(NaraError) as err:
            access.require_alert((await as_(who)).actor, demo.unit_id)
        assert err.value.message == "alert not found"
