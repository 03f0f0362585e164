"""Complete logging: every staff read of patient data leaves a row in the thread's unit's log
(who, which patient, which unit, what, when, from where)."""

from __future__ import annotations

import socketio

from tests.attachments import corpus
from tests.attachments.flows import upload_ok
from tests.pdl.support import anna_thread, unit_log
from tests.support.flows import cid, start_thread


def _by(entries, server, who):
    return [e for e in entries if e["staff_user_id"] == str(server.demo.users[who])]


async def test_thread_list_logs_one_row_per_patient_shown(server):
    demo = server.demo
    anna, _ = await anna_thread(server)
    await start_thread(anna, demo.patients["anna"], demo.care_contacts["anna"])
    bertil = await server.login("bertil")
    await start_thread(bertil, demo.patients["bertil"], demo.care_contacts["bertil"])
    sara, lars = await server.login("sara"), await server.login("lars")
    listed = await sara.ok("GET", "/api/v1/threads")
    assert {t["patient"]["name"] for t in listed["threads"]} == {
        "Anna Andersson",
        "Bertil Nilsson",
    }
    # Counting unread messages shows no patient data and is not logged.
    await sara.ok("GET", "/api/v1/unread")
    entries, _ = await unit_log(lars, demo.unit_id, staff_user_id=demo.users["sara"])
    rows = [e for e in entries if e["action"] == "threads.list"]
    assert sorted(e["patient_id"] for e in rows) == sorted(
        [str(demo.patients["anna"]), str(demo.patients["bertil"])]
    )
    for e in rows:
        assert e["unit_id"] == str(demo.unit_id)
        assert e["remote_addr"] == "127.0.0.1"
        assert e["staff"]["name"] == "Sara Lind" and e["staff"]["profession"] == "sjuksköterska"
        assert e["thread_id"] is None and e["at"]


async def test_staff_actions_answering_with_the_thread_are_logged(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    await sara.ok("POST", f"/api/v1/threads/{thread_id}/status", {"status": "waiting_for_patient"})
    await sara.ok("POST", f"/api/v1/threads/{thread_id}/assign", {"assignee_id": None})
    await sara.ok("POST", f"/api/v1/threads/{thread_id}/attachments-setting", {"allowed": False})
    await sara.ok(
        "POST",
        f"/api/v1/threads/{thread_id}/participants",
        {"user_id": str(demo.users["maja"])},
    )
    await sara.ok(
        "POST", f"/api/v1/threads/{thread_id}/transfer", {"team_id": str(demo.teams["triage"])}
    )
    made = await sara.ok(
        "POST",
        "/api/v1/threads",
        {
            "patient_id": str(demo.patients["anna"]),
            "subject": "Konsultation",
            "team_id": str(demo.teams["allman"]),
            "patient_visible": False,
            "message": {"client_id": cid(), "body": "Lars, kan du titta?"},
        },
    )
    entries, _ = await unit_log(lars, demo.unit_id, patient_id=demo.patients["anna"])
    actions = [e["action"] for e in reversed(_by(entries, server, "sara"))]
    assert actions == [
        "thread.status",
        "thread.assign",
        "thread.attachments_setting",
        "thread.add_participant",
        "thread.transfer",
        "thread.create",
    ]
    assert _by(entries, server, "sara")[0]["thread_id"] == made["thread"]["id"]


async def test_attachment_downloads_and_socket_catch_up_are_logged(server):
    demo = server.demo
    anna, thread_id = await anna_thread(server)
    [photo] = await upload_ok(anna, thread_id, [corpus.small_png()])
    await anna.ok(
        "POST",
        f"/api/v1/threads/{thread_id}/messages",
        {"client_id": cid(), "body": "Bild", "attachment_ids": [photo["id"]]},
    )
    sara, lars = await server.login("sara"), await server.login("lars")
    assert (await sara.get(photo["url"]))[0] == 200
    live = await server.socket(sara)
    ack = await live.call("catch_up", {"thread_id": thread_id, "after_seq": 0})
    assert ack["ok"]
    entries, _ = await unit_log(lars, demo.unit_id, patient_id=demo.patients["anna"])
    mine = _by(entries, server, "sara")
    assert [e["action"] for e in reversed(mine)] == ["attachment.download", "messages.read"]
    assert all(e["thread_id"] == thread_id for e in mine)


async def test_joining_a_patients_video_meeting_is_logged(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    meeting = await sara.ok(
        "POST", "/api/v1/meetings", {"title": "Uppföljning", "thread_id": thread_id}
    )
    video = socketio.AsyncClient(reconnection=False)
    await video.connect(
        server.base_url,
        namespaces=["/video"],
        auth={"token": sara.token},
        transports=["websocket"],
        wait_timeout=5,
    )
    try:
        ack = await video.call("join", {"meeting_id": meeting["id"]}, namespace="/video")
        assert "error" not in ack, ack
    finally:
        await video.disconnect()
    entries, _ = await unit_log(lars, demo.unit_id, patient_id=demo.patients["anna"])
    joined = [e for e in _by(entries, server, "sara") if e["action"] == "meeting.join"]
    assert len(joined) == 1 and joined[0]["thread_id"] == thread_id
    assert joined[0]["remote_addr"] == "127.0.0.1"


async def test_reading_the_log_is_itself_logged(server):
    demo = server.demo
    _, thread_id = await anna_thread(server)
    sara, lars = await server.login("sara"), await server.login("lars")
    await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    await unit_log(lars, demo.unit_id, patient_id=demo.patients["anna"])
    entries, _ = await unit_log(lars, demo.unit_id, staff_user_id=demo.users["lars"])
    assert [(e["action"], e["patient_id"]) for e in entries] == [
        ("access_log.read", str(demo.patients["anna"]))
    ]
