"""Log review (systematisk uppföljning): unit administrators record who reviewed which sample,
when and what they found; listed per unit."""

from __future__ import annotations

from tests.pdl.support import anna_thread


async def test_an_admin_records_and_lists_reviews_of_the_own_unit(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    for _ in range(3):
        await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    review = await lars.ok(
        "POST",
        f"/api/v1/units/{demo.unit_id}/log-reviews",
        {
            "staff_user_id": str(demo.users["sara"]),
            "since": "2020-01-01",
            "findings": "Stickprov: Saras läsningar hör till hennes ärenden. Inga avvikelser.",
        },
    )
    assert review["reviewer"]["name"] == "Lars Berg"
    assert review["row_count"] == 3
    assert review["sample"]["staff_user_id"] == str(demo.users["sara"])
    assert review["sample"]["since"].startswith("2020-01-01")
    listed = await lars.ok("GET", f"/api/v1/units/{demo.unit_id}/log-reviews")
    assert [r["id"] for r in listed["reviews"]] == [review["id"]]
    assert listed["reviews"][0]["findings"].startswith("Stickprov")
    assert listed["flagged"] == []
    # Not an administrator of the unit: the same 404 as for a unit that does not exist.
    olle = await server.login("olle")
    for client in (sara, olle):
        status, _ = await client.get(f"/api/v1/units/{demo.unit_id}/log-reviews")
        assert status == 404
        status, _ = await client.post(
            f"/api/v1/units/{demo.unit_id}/log-reviews", {"findings": "x"}
        )
        assert status == 404
    status, _ = await lars.post(f"/api/v1/units/{demo.unit_id}/log-reviews", {"findings": ""})
    assert status == 422
