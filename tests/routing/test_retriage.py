"""Re-triage of an open thread: every patient message can raise its urgency (never lower it),
replace the reasons staff see and answer with advice; through the real server and router."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from chat.models import Thread
from chat.routing import Classification, more_urgent
from chat.service import URGENCY_HOURS, _retriage
from server.nlp_bridge import NlpClassifier
from tests.support.flows import history, send, start_thread

ACUTE = "Min pappa har plötsligt blivit sned i ansiktet och kan inte prata, armen är helt slapp"
ROUTINE = "Jag vill förnya mitt recept på Levaxin"
# Serious but not acute: the router answers `bradskande` with safety-net advice.
URGENT = "Vaden på höger ben är varm och svullen, jag har flugit långt i veckan."


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def _routine_thread(server):
    """Anna writes "Jag vet inte vem" about a prescription: routed to the allmän team."""
    anna, sara = await server.login("anna"), await server.login("sara")
    started = await start_thread(anna, server.demo.patients["anna"], None, body=ROUTINE)
    thread_id = started["thread"]["id"]
    before = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert before["urgency"] in ("rutin", "snart"), before
    assert not before["flagged_acute"]
    return anna, sara, thread_id, before


async def test_an_acute_second_message_makes_the_thread_acute(server):
    anna, sara, thread_id, before = await _routine_thread(server)
    sara_live = await server.socket(sara)

    sent_at = datetime.now(UTC)
    sent = await send(anna, thread_id, ACUTE)
    assert "112" in sent["emergency"]["reply"]
    assert sent["thread"]["urgency"] == "akut" and sent["thread"]["flagged_acute"]
    assert sent["thread"]["routing"] is None  # the patient never sees the reasons

    await sara_live.wait_for("thread_updated", lambda e: e["thread_id"] == thread_id)
    after = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert after["urgency"] == "akut" and after["flagged_acute"]
    # Due now (akut: 0 hours), not in a week as promised for the prescription.
    assert URGENCY_HOURS["akut"] == 0
    assert _at(after["response_due_at"]) <= datetime.now(UTC)
    assert _at(after["response_due_at"]) >= sent_at - timedelta(seconds=1)
    assert _at(after["response_due_at"]) < _at(before["response_due_at"])
    # The reasons are the acute message's, not the prescription keywords any more.
    assert after["routing"]["urgency"] == "akut"
    assert after["routing"]["reasons"]
    assert after["routing"]["reasons"] != before["routing"]["reasons"]
    assert not set(before["routing"]["reasons"]) & set(after["routing"]["reasons"])
    assert after["routing"]["presentation_name"]
    # The thread stays with its team: re-triage changes urgency, not the owner.
    assert after["team"]["id"] == before["team"]["id"]
    assert after["category"] == before["category"]


async def test_a_later_routine_message_never_lowers_the_urgency(server):
    anna, sara, thread_id, _ = await _routine_thread(server)
    await send(anna, thread_id, ACUTE)
    acute = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    sent = await send(anna, thread_id, ROUTINE)
    assert sent["emergency"] is None and sent["thread"] is None  # nothing changed
    await send(anna, thread_id, URGENT)
    after = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert after["urgency"] == "akut" and after["flagged_acute"]
    assert after["response_due_at"] == acute["response_due_at"]
    assert after["routing"]["reasons"] == acute["routing"]["reasons"]


async def test_a_brådskande_message_raises_the_urgency_and_gets_safety_net_advice(server):
    anna, sara, thread_id, before = await _routine_thread(server)
    anna_live = await server.socket(anna)
    sara_live = await server.socket(sara)

    sent = await send(anna, thread_id, URGENT)
    assert sent["emergency"] is None
    net = sent["safety_net"]
    assert net and "112" in net["reply"], sent
    assert net["message"]["event"]["type"] == "safety_net"
    assert net["message"]["event"]["presentation"] == net["presentation"]
    assert sent["thread"]["urgency"] == "bradskande" and not sent["thread"]["flagged_acute"]

    # Stored in the thread right after the patient's message, and delivered live.
    messages = await history(anna, thread_id)
    assert [(m["kind"], (m["event"] or {}).get("type")) for m in messages[-2:]] == [
        ("text", None),
        ("system", "safety_net"),
    ]
    assert messages[-1]["body"] == net["reply"] and messages[-1]["author"] is None
    live = await anna_live.wait_for(
        "message", lambda e: (e["message"]["event"] or {}).get("type") == "safety_net"
    )
    assert live["message"]["id"] == messages[-1]["id"]
    await sara_live.wait_for(
        "message", lambda e: (e["message"]["event"] or {}).get("type") == "safety_net"
    )

    after = await sara.ok("GET", f"/api/v1/threads/{thread_id}")
    assert after["urgency"] == "bradskande"
    # Sooner than the prescription's promise (the exact rule: test_retriage_raises_...).
    assert _at(after["response_due_at"]) < _at(before["response_due_at"])
    assert after["routing"]["urgency"] == "bradskande"
    assert after["routing"]["safety_net_reply"] == net["reply"]
    assert sara_live.events["acute_alert"] == []  # brådskande is not an acute alert


async def test_a_first_brådskande_message_gets_the_advice_too(server):
    anna = await server.login("anna")
    started = await start_thread(anna, server.demo.patients["anna"], None, body=URGENT)
    assert started["emergency"] is None
    assert started["safety_net"] and "112" in started["safety_net"]["reply"]
    messages = await history(anna, started["thread"]["id"])
    assert [m["kind"] for m in messages] == ["text", "system"]
    assert messages[1]["event"]["type"] == "safety_net"


# -- the rules, without a server ----------------------------------------------------------------


def _decision(urgency: str, reasons: tuple[str, ...] = ("r",)) -> Classification:
    return Classification(
        category="ovrigt",
        urgency=urgency,
        confidence=0.9,
        reasons=reasons,
        target_team_key=None,
        needs_triage=False,
        emergency_reply=None,
        red_flag_kind=None,
        presentation="p",
        presentation_name="P",
    )


def test_urgency_order():
    assert more_urgent("akut", "bradskande") and more_urgent("bradskande", "snart")
    assert more_urgent("snart", "rutin") and more_urgent("rutin", None)
    assert not more_urgent("rutin", "akut") and not more_urgent("bradskande", "bradskande")
    assert not more_urgent(None, None)


def test_retriage_raises_and_never_lowers():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    week = now + timedelta(days=7)
    thread = Thread(urgency="rutin", flagged_acute=False, response_due_at=week, routing={})
    assert _retriage(thread, _decision("bradskande", ("b",)), now)
    assert thread.urgency == "bradskande" and thread.routing["reasons"] == ["b"]
    assert thread.response_due_at == now + timedelta(hours=8)
    assert not _retriage(thread, _decision("bradskande", ("c",)), now)  # not lower: unchanged
    assert not _retriage(thread, _decision("rutin", ("d",)), now)
    assert thread.routing["reasons"] == ["b"]
    assert _retriage(thread, _decision("akut", ("a",)), now)
    assert thread.urgency == "akut" and thread.flagged_acute
    assert thread.response_due_at == now and thread.routing["reasons"] == ["a"]
    later = now + timedelta(hours=1)
    assert not _retriage(thread, _decision("bradskande"), later)
    assert thread.urgency == "akut" and thread.response_due_at == now
    # A sooner promise (a care contact's) is kept.
    soon = Thread(urgency=None, flagged_acute=False, response_due_at=now + timedelta(hours=2))
    assert _retriage(soon, _decision("bradskande"), now)
    assert soon.response_due_at == now + timedelta(hours=2) and soon.urgency == "bradskande"


def test_the_bridge_works_with_old_and_new_routers():
    common = dict(
        category="ovrigt",
        urgency="bradskande",
        confidence=0.5,
        reasons=["x"],
        target_team=None,
        needs_triage=True,
        emergency_reply=None,
        red_flag_kind=None,
    )
    old = SimpleNamespace(**common)
    new = SimpleNamespace(
        **common,
        presentation="dyspne",
        presentation_name="Andnöd",
        safety_net_reply="Ring 112 om det blir värre.",
        acute_probability=0.2,
    )

    def classify(decision: SimpleNamespace) -> Classification:
        router = SimpleNamespace(route=lambda text, table: decision)
        return NlpClassifier(router).classify("text", {})

    before = classify(old)
    assert (before.presentation, before.presentation_name, before.safety_net_reply) == (
        None,
        None,
        None,
    )
    after = classify(new)
    assert after.presentation == "dyspne" and after.presentation_name == "Andnöd"
    assert after.stored()["safety_net_reply"] == "Ring 112 om det blir värre."
    assert after.stored()["presentation_name"] == "Andnöd"
