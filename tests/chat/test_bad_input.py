"""At least twenty malformed requests and socket events: each a clear 4xx, nothing stored."""

import pytest

from tests.support.flows import cid, count_rows, start_thread

LONG = "x" * 10_001
NIL = "00000000-0000-4000-8000-000000000000"


def rest_cases(t, patient, contact):
    msgs = f"/api/v1/threads/{t}/messages"
    good = {"client_id": cid(), "body": "hej"}
    return [
        ("empty body", "POST", msgs, {"client_id": cid(), "body": ""}, 422),
        ("body too long", "POST", msgs, {"client_id": cid(), "body": LONG}, 422),
        ("body not a string", "POST", msgs, {"client_id": cid(), "body": 42}, 422),
        ("missing client id", "POST", msgs, {"body": "hej"}, 422),
        ("client id too short", "POST", msgs, {"client_id": "a", "body": "hej"}, 422),
        ("client id bad chars", "POST", msgs, {"client_id": "ab cd/ef<>", "body": "hej"}, 422),
        ("unknown field", "POST", msgs, {**good, "admin": True}, 422),
        ("unknown kind", "POST", msgs, {**good, "kind": "system"}, 422),
        ("not an object", "POST", msgs, ["hej"], 422),
        ("no body at all", "POST", msgs, None, 415),
        ("thread id not a uuid", "POST", "/api/v1/threads/abc/messages", good, 400),
        ("unknown thread", "POST", f"/api/v1/threads/{NIL}/messages", good, 404),
        ("six attachments", "POST", msgs, {**good, "attachment_ids": [NIL] * 6}, 422),
        ("negative read seq", "POST", f"/api/v1/threads/{t}/read", {"seq": -1}, 422),
        ("read seq as text", "POST", f"/api/v1/threads/{t}/read", {"seq": "many"}, 422),
        ("history limit too big", "GET", msgs + "?limit=100000", None, 422),
        ("history after_seq text", "GET", msgs + "?after_seq=abc", None, 422),
        ("unknown query param", "GET", msgs + "?drop=1", None, 422),
        (
            "thread without subject",
            "POST",
            "/api/v1/threads",
            {"patient_id": patient, "message": {"client_id": cid(), "body": "hej"}},
            422,
        ),
        (
            "thread subject too long",
            "POST",
            "/api/v1/threads",
            {
                "patient_id": patient,
                "subject": "s" * 201,
                "care_contact_id": contact,
                "message": {"client_id": cid(), "body": "hej"},
            },
            422,
        ),
        (
            "thread for unknown contact",
            "POST",
            "/api/v1/threads",
            {
                "patient_id": patient,
                "subject": "s",
                "care_contact_id": NIL,
                "message": {"client_id": cid(), "body": "hej"},
            },
            404,
        ),
        (
            "thread patient not a uuid",
            "POST",
            "/api/v1/threads",
            {
                "patient_id": "19850312-1234",
                "subject": "s",
                "message": {"client_id": cid(), "body": "hej"},
            },
            422,
        ),
        ("patient closes thread", "POST", f"/api/v1/threads/{t}/status", {"status": "closed"}, 403),
        ("unknown endpoint", "GET", "/api/v1/nothing-here", None, 404),
        ("wrong method", "DELETE", msgs, None, 400),
        ("login without password", "POST", "/api/v1/auth/login", {"username": "anna"}, 422),
    ]


async def test_rest_rejects_malformed_requests(server):
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    t = first["thread"]["id"]
    before = await count_rows(server)
    cases = rest_cases(t, str(server.demo.patients["anna"]), str(server.demo.care_contacts["anna"]))
    assert len(cases) >= 20
    for name, method, path, body, expected in cases:
        status, answer = await anna.request(method, path, body)
        assert status == expected, (name, status, answer)
        assert isinstance(answer["error"]["code"], str) and answer["error"]["message"], name
        assert "19850312" not in str(answer), name  # input is never echoed
    assert await count_rows(server) == before


@pytest.mark.parametrize(
    ("raw", "content_type", "code"),
    [
        (b"{not json", "application/json", "invalid_json"),
        (b"\xff\xfe", "application/json", "invalid_json"),
        (b"null", "application/json", "validation_failed"),
        (
            b'{"client_id": "abcdefgh", "body": "x", "body": 1}',
            "application/json",
            "validation_failed",
        ),
        (b"client_id=x&body=y", "application/x-www-form-urlencoded", "unsupported_media_type"),
    ],
)
async def test_rest_rejects_broken_bodies(server, raw, content_type, code):
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    before = await count_rows(server)
    status, answer = await anna.request(
        "POST",
        f"/api/v1/threads/{first['thread']['id']}/messages",
        data=raw,
        headers={"Content-Type": content_type},
    )
    assert 400 <= status < 500 and answer["error"]["code"] == code
    assert await count_rows(server) == before


async def test_socket_rejects_malformed_events(server):
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    t = first["thread"]["id"]
    live = await server.socket(anna)
    before = await count_rows(server)
    cases = [
        ("send_message", None, "validation_failed"),
        ("send_message", "hej", "validation_failed"),
        ("send_message", {"thread_id": t, "body": "hej"}, "validation_failed"),
        ("send_message", {"thread_id": t, "client_id": cid(), "body": ""}, "validation_failed"),
        ("send_message", {"thread_id": t, "client_id": cid(), "body": LONG}, "validation_failed"),
        (
            "send_message",
            {"thread_id": "nope", "client_id": cid(), "body": "x"},
            "validation_failed",
        ),
        ("send_message", {"thread_id": NIL, "client_id": cid(), "body": "x"}, "not_found"),
        (
            "send_message",
            {"thread_id": t, "client_id": cid(), "body": "x", "x": 1},
            "validation_failed",
        ),
        (
            "send_message",
            {"thread_id": t, "client_id": cid(), "body": "x", "kind": "internal_note"},
            "forbidden",
        ),
        ("catch_up", {"thread_id": t}, "validation_failed"),
        ("catch_up", {"thread_id": t, "after_seq": -5}, "validation_failed"),
        ("mark_read", {"thread_id": t, "seq": "x"}, "validation_failed"),
        ("typing", [], "validation_failed"),
        ("delete_everything", {}, "invalid_request"),
    ]
    for event, data, code in cases:
        ack = await live.call(event, data)
        assert ack["error"]["code"] == code, (event, data, ack)
    assert live.sio.connected
    assert await count_rows(server) == before
