"""Assign, transfer, close, reopen and attachment settings, each recorded in the thread."""

from sqlalchemy import select

from chat.models import RoutingCorrection
from server.keys import DB
from tests.support.flows import cid, history, start_thread


async def test_assign_transfer_close(server):
    demo = server.demo
    anna, sara, fia = (
        await server.login("anna"),
        await server.login("sara"),
        await server.login("fia"),
    )
    first = await start_thread(
        anna,
        demo.patients["anna"],
        demo.care_contacts["anna"],
        body="Jag har ont i knät efter en löprunda",
    )
    t = first["thread"]["id"]
    assert first["thread"]["assignee"]["name"] == "Sara Lind"  # the coordinator
    anna_live = await server.socket(anna)
    fia_live = await server.socket(fia)

    view = await sara.ok(
        "POST", f"/api/v1/threads/{t}/assign", {"assignee_id": str(demo.users["lars"])}
    )
    assert view["assignee"]["name"] == "Lars Berg"
    status, body = await sara.post(
        f"/api/v1/threads/{t}/assign", {"assignee_id": str(demo.users["fia"])}
    )
    assert status == 422  # Fia is not in the owning team

    status, _ = await fia.get(f"/api/v1/threads/{t}")
    assert status == 404
    status, body = await sara.post(
        f"/api/v1/threads/{t}/transfer", {"team_id": str(demo.teams["rehab"]), "category": "knä"}
    )
    assert status == 422 and body["error"]["code"] == "validation_failed"
    view = await sara.ok(
        "POST",
        f"/api/v1/threads/{t}/transfer",
        {"team_id": str(demo.teams["rehab"]), "category": "rehab"},
    )
    assert view["team"]["key"] == "rehab" and view["assignee"] is None
    await fia_live.wait_for("thread_updated", lambda e: e["thread_id"] == t)
    assert (await fia.ok("GET", f"/api/v1/threads/{t}"))["id"] == t
    status, _ = await sara.get(f"/api/v1/threads/{t}")  # Sara's team no longer owns it
    assert status == 404
    async with server.app[DB].read() as store:
        rows = list(await store.session.scalars(select(RoutingCorrection)))
    assert [(r.to_category, str(r.thread_id)) for r in rows] == [("rehab", t)]

    await fia.ok("POST", f"/api/v1/threads/{t}/status", {"status": "closed"})
    got = await anna_live.wait_for(
        "message",
        lambda e: e["message"]["kind"] == "system" and e["message"]["event"]["type"] == "status",
    )
    assert got["message"]["body"] == "Ärendet är avslutat."
    status, body = await anna.post(
        f"/api/v1/threads/{t}/messages", {"client_id": cid(), "body": "Hallå?"}
    )
    assert status == 409 and body["error"]["code"] == "thread_closed"
    status, body = await fia.post(f"/api/v1/threads/{t}/status", {"status": "closed"})
    assert status == 409
    await fia.ok("POST", f"/api/v1/threads/{t}/status", {"status": "open"})
    await anna.ok("POST", f"/api/v1/threads/{t}/messages", {"client_id": cid(), "body": "Tack"})
    kinds = [(m["kind"], (m["event"] or {}).get("type")) for m in await history(anna, t)]
    assert kinds == [
        ("text", None),
        ("system", "assigned"),
        ("system", "transferred"),
        ("system", "status"),
        ("system", "status"),
        ("text", None),
    ]
