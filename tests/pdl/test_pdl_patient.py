"""The patient's own log extract (PDL 8 kap. 5 §): which units and staff read my data, when;
a guardian sees it for a child under 13; also as a PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.pdl.support import RANDOM_ID, anna_thread
from tests.support.flows import start_thread


async def test_the_patient_sees_who_read_their_data(server):
    demo = server.demo
    anna, thread_id = await anna_thread(server)
    sara = await server.login("sara")
    await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    await sara.ok("GET", f"/api/v1/threads/{thread_id}/messages")
    extract = await anna.ok("GET", f"/api/v1/patients/{demo.patients['anna']}/access-log")
    assert extract["next_before_id"] is None
    assert [e["action"] for e in extract["entries"]] == ["messages.read", "thread.read"]
    for e in extract["entries"]:
        assert e["unit_name"] == "Vårdcentralen Nära"
        assert e["staff_name"] == "Sara Lind" and e["profession"] == "sjuksköterska"
        assert e["emergency"] is False and e["at"]
        # No addresses, no staff ids: what the patient needs, nothing more.
        assert "remote_addr" not in e and "staff_user_id" not in e
    page = await anna.ok(
        "GET", f"/api/v1/patients/{demo.patients['anna']}/access-log", params={"limit": "1"}
    )
    assert len(page["entries"]) == 1 and page["next_before_id"]


async def test_a_guardian_sees_the_childs_log_and_nobody_else_does(server):
    demo = server.demo
    anna = await server.login("anna")
    made = await start_thread(anna, demo.patients["elsa"], demo.care_contacts["elsa"])
    bodil = await server.login("bodil")
    await bodil.ok("GET", f"/api/v1/threads/{made['thread']['id']}")
    extract = await anna.ok("GET", f"/api/v1/patients/{demo.patients['elsa']}/access-log")
    assert [(e["staff_name"], e["profession"]) for e in extract["entries"]] == [
        ("Bodil Ström", "barnmorska")
    ]
    bertil, sara = await server.login("bertil"), await server.login("sara")
    answers = []
    for client, pid in (
        (bertil, demo.patients["elsa"]),
        (bertil, RANDOM_ID),
        (sara, demo.patients["anna"]),
    ):
        status, body = await client.get(f"/api/v1/patients/{pid}/access-log")
        answers.append((status, body))
        status, _ = await client.get(f"/api/v1/patients/{pid}/access-log.pdf")
        assert status == 404
    assert all(a == (404, answers[0][1]) for a in answers)


async def test_the_extract_downloads_as_a_pdf(server):
    demo = server.demo
    anna, thread_id = await anna_thread(server)
    sara = await server.login("sara")
    await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    url = f"{server.base_url}/api/v1/patients/{demo.patients['anna']}/access-log.pdf"
    async with anna.session.get(url, headers=anna._headers()) as resp:
        assert resp.status == 200
        assert resp.content_type == "application/pdf"
        assert "attachment" in resp.headers["Content-Disposition"]
        body = await resp.read()
    assert body.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    for expected in ("Loggutdrag", "Anna Andersson", "Vårdcentralen Nära", "Sara Lind"):
        assert expected in text, expected
