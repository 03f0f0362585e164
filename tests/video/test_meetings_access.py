"""Who may not enter a meeting: strangers, staff of another unit, people without a link,
expired and used links. None of them gets in or gets TURN credentials."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy import update

from chat.models import MeetingInvite, utcnow
from server.config import Config
from server.keys import DB
from signaling.meetings import invite_hash
from tests.support.backends import Template
from tests.video.harness import CoturnServer, HarnessUnavailable, running_coturn
from tests.video.meeting_support import Meeting, error_code, running_server, video_config


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def coturn_server() -> AsyncIterator[CoturnServer]:
    """One coturn for the module (starting one takes about 0.4 s): these tests only check who
    gets no TURN credentials; each server hands out its own, and none reads coturn's state."""
    try:
        async with running_coturn() as server:
            yield server
    except HarnessUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
async def meeting(
    base_config: Config, db_template: Template, coturn_server: CoturnServer
) -> AsyncIterator[Meeting]:
    config = video_config(base_config, coturn=coturn_server)
    async with running_server(config, db_template.demo) as server:
        m = Meeting(server)
        try:
            yield m
        finally:
            await m.close()


def got_turn(events: list[tuple[str, object]]) -> bool:
    return any(e == "admitted" for e, _ in events)


async def test_strangers_and_other_units_cannot_enter(meeting: Meeting) -> None:
    mid = await meeting.create("sara")
    sara = await meeting.join("sara")
    for name in ("bertil", "olle", "maja"):
        c = await meeting.client(name)
        assert await error_code(c.join(mid)) == "not_found", name
        assert c.ice_servers == [] and not got_turn(c.events)
        api = await meeting.api(name)
        status, body = await api.get(f"/api/v1/meetings/{mid}")
        assert status == 404 and body["error"]["code"] == "not_found"
        status, body = await api.post(f"/api/v1/meetings/{mid}/invites", {"guest_name": "X"})
        assert status == 404
    # Nobody from outside shows up anywhere.
    assert sara.waiting == [] and set(sara.participants) == {sara.me["id"]}
    # Events of someone not in any meeting are refused.
    olle = await meeting.client("olle")
    for event, data in (
        ("signal", {"to": sara.me["id"], "candidate": {"candidate": ""}}),
        ("admit", {"participant_id": sara.me["id"]}),
        ("chat", {"body": "hej"}),
        ("end", {}),
        ("sfu_subscribe", {"participant_ids": [sara.me["id"]]}),
    ):
        assert await error_code(olle.call(event, data)) == "not_found", event


async def test_people_without_a_valid_link_cannot_enter(meeting: Meeting) -> None:
    mid = await meeting.create("sara")
    sara = await meeting.join("sara")

    nobody = await meeting.client(None)
    assert await error_code(nobody.join(mid)) == "unauthenticated"
    assert await error_code(nobody.join(mid, invite="x" * 43)) == "invite_invalid"

    used = await meeting.invite("sara", "Tolk")
    first = await meeting.join(None, invite=used)
    assert first.state == "waiting" and first.me["role"] == "guest"
    again = await meeting.client(None)
    assert await error_code(again.join(mid, invite=used)) == "invite_invalid"

    expired = await meeting.invite("sara", "Sen tolk")
    async with meeting.server.app[DB].write() as store:
        await store.session.execute(
            update(MeetingInvite)
            .where(MeetingInvite.token_hash == invite_hash(expired))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    late = await meeting.client(None)
    assert await error_code(late.join(mid, invite=expired)) == "invite_invalid"

    # A link for another meeting does not open this one.
    other = Meeting(meeting.server)
    other.apis = meeting.apis
    await other.create("lars")
    foreign = await other.invite("lars", "Tolk")
    stray = await meeting.client(None)
    assert await error_code(stray.join(mid, invite=foreign)) == "invite_invalid"

    # A guest's rejoin token is no login: unknown tokens are refused.
    ghost = await meeting.client(None)
    assert await error_code(ghost.join(mid, rejoin="y" * 32)) == "invite_invalid"

    for c in (nobody, again, late, stray, ghost):
        assert c.ice_servers == [] and not got_turn(c.events)
    assert [w["id"] for w in sara.waiting] == [first.me["id"]] or await sara.wait_until(
        lambda: [w["id"] for w in sara.waiting] == [first.me["id"]]
    )


async def test_rest_rules_for_meetings(meeting: Meeting) -> None:
    demo = meeting.server.demo
    anna = await meeting.api("anna")
    status, body = await anna.post("/api/v1/meetings", {"title": "Mitt möte"})
    assert status == 403 and body["error"]["code"] == "forbidden"
    mid = await meeting.create("sara")
    fia = await meeting.api("fia")
    # Staff of another team may not see anna's thread, so not its meeting either.
    status, _ = await fia.get(f"/api/v1/meetings/{mid}")
    assert status == 404
    await meeting.add_member("sara", "fia")
    assert (await fia.ok("GET", f"/api/v1/meetings/{mid}"))["my_role"] == "staff"
    status, body = await fia.post(f"/api/v1/meetings/{mid}/invites", {"guest_name": "X"})
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = await fia.post(f"/api/v1/meetings/{mid}/members",
                                  {"user_id": str(demo.users["olle"])})
    assert status == 403
    view = await anna.ok("GET", f"/api/v1/meetings/{mid}")
    assert view["my_role"] == "patient"
    listed = await anna.ok("GET", "/api/v1/meetings", params={"thread_id": meeting.thread_id})
    assert [m["id"] for m in listed] == [str(mid)]
    bertil = await meeting.api("bertil")
    status, _ = await bertil.get("/api/v1/meetings", params={"thread_id": meeting.thread_id})
    assert status in (403, 404)
    status, body = await (await meeting.api("sara")).post(
        f"/api/v1/meetings/{mid}/invites", {"guest_name": ""}
    )
    assert status == 422
