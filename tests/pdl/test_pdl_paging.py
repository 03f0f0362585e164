"""The administrator's view pages through the whole log and filters by patient, staff member,
date range and flag; no silent cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.pdl.support import anna_thread, unit_log


async def test_pages_cover_every_row_once_and_filters_narrow(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, ulla, lars = [await server.login(u) for u in ("sara", "ulla", "lars")]
    for _ in range(4):
        await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    for _ in range(3):
        await ulla.ok("GET", f"/api/v1/threads/{thread_id}/messages")
    anna_id = demo.patients["anna"]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"patient_id": anna_id, "limit": 2}
        if cursor:
            params["before_id"] = cursor
        page, cursor = await unit_log(lars, demo.unit_id, **params)
        pages += 1
        seen.extend(page)
        if cursor is None:
            break
        assert len(page) == 2
    ids = [e["id"] for e in seen]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    reads = [e for e in seen if e["action"] in ("thread.read", "messages.read")]
    assert len(reads) == 7 and pages >= 4
    # By staff member.
    page, _ = await unit_log(lars, demo.unit_id, staff_user_id=demo.users["ulla"], limit=1000)
    assert [e["action"] for e in page] == ["messages.read"] * 3
    # By date range: nothing before yesterday, everything since then; until is exclusive.
    now = datetime.now(UTC)
    old, _ = await unit_log(
        lars, demo.unit_id, until=(now - timedelta(days=1)).isoformat(), limit=1000
    )
    assert old == []
    recent, _ = await unit_log(
        lars,
        demo.unit_id,
        since=(now - timedelta(days=1)).date().isoformat(),
        staff_user_id=demo.users["sara"],
    )
    assert [e["action"] for e in recent] == ["thread.read"] * 4
    # By flag: no emergency overrides yet.
    flagged, _ = await unit_log(lars, demo.unit_id, flagged=True)
    assert flagged == []
    # Bad input is refused, not capped silently.
    for bad in ({"limit": 0}, {"limit": 100_000}, {"before_id": "x"}, {"since": "igår"}):
        status, body = await lars.get(
            f"/api/v1/units/{demo.unit_id}/access-log", params={k: str(v) for k, v in bad.items()}
        )
        assert status == 422, (bad, body)
