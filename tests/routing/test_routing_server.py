"""Routing through the real server: new threads land in the mapped team, emergencies stop."""

import logging

import pytest

from server.demo import STAFF
from tests.conftest import slow_after_first
from tests.support.flows import cid, start_thread
from tests.support.presentations import PRESENTATIONS

TYPICAL = [
    ("Hej, jag behöver förnya mitt recept på Levaxin, det tar slut nästa vecka", "allman"),
    ("Jag har haft ont i knät sedan fotbollsträningen i lördags och det blir inte bättre", "rehab"),
    ("Jag mår så dåligt, har ångest varje dag och kan inte sova på nätterna", "psykisk_halsa"),
    ("Jag är gravid i vecka 12 och undrar när jag ska till barnmorskan", "mvc"),
    ("Mitt blodsocker har varit högt hela veckan trots insulinet", "diabetes"),
    ("Mitt blodtryck var 165/100 på apoteket i går, ska jag oroa mig?", "hjarta"),
    ("halsont och feber sedan i gar, svart att svalja", "allman"),
    ("My knee has been swollen since I fell off my bike on Sunday", "rehab"),
]
RED_FLAGS = {
    "chest_pain_breathless": "Jag har ont i bröstet och kan inte andas ordentligt",
    "stroke": "Min mamma hänger i ena mungipan och kan inte prata, det började nyss",
    "bleeding": "Jag blöder kraftigt från ett sår och det slutar inte",
    "anaphylaxis": "Jag blev stucken av ett bi och nu svullnar halsen och jag får svårt att andas",
    "suicidal": "Jag vill inte leva längre och har tänkt ut hur jag ska ta mitt liv",
    "unconscious": "Min pappa är medvetslös och går inte att väcka",
    "infant_fever": "Min bebis är 6 veckor och har 38,9 i feber",
    "thunderclap_headache": "Plötsligt fick jag värsta huvudvärken i mitt liv för en kvart sedan",
    "breathing": "Jag får nästan ingen luft, kan knappt andas",
}
TRICKY = [
    "Min pappa hade en stroke för tio år sedan, hur förebygger man en till?",
    "Jag hade ont i bröstet förra året men nu är det bra, vill förnya medicinen",
    "Vilka är symtomen på en hjärtinfarkt?",
]


async def _routed(client, patient_id, body):
    return await start_thread(client, patient_id, None, body=body)


async def _staff_view(server, thread):
    """The thread as a member of its owning team sees it."""
    member = next(u for u, (_, _, teams, _) in STAFF.items() if thread["team"]["key"] in teams)
    client = await server.login(member)
    return await client.ok("GET", f"/api/v1/threads/{thread['id']}")


# One case of each corpus goes through the server in the quick run; tests/nlp checks the
# routing decisions themselves, and every case runs here in CI (slow_after_first).
@pytest.mark.parametrize(("text", "team_key"), slow_after_first(TYPICAL))
async def test_new_thread_lands_in_the_mapped_team(server, text, team_key):
    anna = await server.login("anna")
    result = await _routed(anna, server.demo.patients["anna"], text)
    assert result["thread"]["team"]["key"] == team_key
    assert result["thread"]["routing"] is None  # the patient does not see the reasons
    assert result["emergency"] is None
    view = await _staff_view(server, result["thread"])
    assert view["routing"]["reasons"], view["routing"]
    assert view["urgency"] in ("bradskande", "snart", "rutin")
    assert view["response_due_at"]


@pytest.mark.parametrize("kind", slow_after_first(sorted(RED_FLAGS)))
async def test_every_red_flag_gets_the_112_reply_and_alerts_staff(server, kind):
    anna, sara = await server.login("anna"), await server.login("sara")
    sara_live = await server.socket(sara)
    result = await _routed(anna, server.demo.patients["anna"], RED_FLAGS[kind])
    assert result["emergency"] is not None
    assert "112" in result["emergency"]["reply"]
    assert result["emergency"]["red_flag_kind"] in PRESENTATIONS[kind]
    assert result["thread"]["flagged_acute"] and result["thread"]["urgency"] == "akut"
    alert = await sara_live.wait_for("acute_alert")
    assert alert["thread_id"] == result["thread"]["id"]
    assert alert["red_flag_kind"] in PRESENTATIONS[kind]
    # The automatic reply is stored in the thread, after the patient's message.
    history = await anna.ok("GET", f"/api/v1/threads/{result['thread']['id']}/messages")
    assert [m["kind"] for m in history] == ["text", "system"]
    assert "112" in history[1]["body"]


async def test_english_emergency_gets_an_english_reply(server):
    anna = await server.login("anna")
    result = await _routed(
        anna, server.demo.patients["anna"], "I have crushing chest pain and I cannot breathe"
    )
    assert "Call 112" in result["emergency"]["reply"]


async def test_emergency_in_a_later_message_is_caught_too(server):
    anna = await server.login("anna")
    first = await start_thread(
        anna, server.demo.patients["anna"], server.demo.care_contacts["anna"]
    )
    sent = await anna.ok(
        "POST",
        f"/api/v1/threads/{first['thread']['id']}/messages",
        {"client_id": cid(), "body": RED_FLAGS["chest_pain_breathless"]},
    )
    assert "112" in sent["emergency"]["reply"]
    assert sent["thread"]["flagged_acute"]


@pytest.mark.parametrize("text", slow_after_first(TRICKY))
async def test_mentions_of_red_flag_words_are_not_acute(server, text):
    anna = await server.login("anna")
    result = await _routed(anna, server.demo.patients["anna"], text)
    assert result["emergency"] is None
    assert result["thread"]["urgency"] != "akut"


async def test_personal_data_is_masked_in_logs_and_reasons(server, caplog):
    caplog.set_level(logging.DEBUG)
    anna, sara = await server.login("anna"), await server.login("sara")
    sara_live = await server.socket(sara)
    text = (
        "Jag har ont i bröstet och kan inte andas. Mitt personnummer är 19850312-1239 "
        "och ring mig på 070-123 45 67"
    )
    result = await _routed(anna, server.demo.patients["anna"], text)
    alert = await sara_live.wait_for("acute_alert")
    view = await _staff_view(server, result["thread"])
    for where in (str(alert), str(view["routing"]), caplog.text):
        assert "19850312" not in where and "850312" not in where
        assert "123 45 67" not in where and "070-123" not in where


async def test_low_confidence_goes_to_triage(server):
    anna = await server.login("anna")
    result = await _routed(anna, server.demo.patients["anna"], "Hej")
    assert result["thread"]["team"]["key"] == "triage"


async def test_admin_edits_the_routing_table(server):
    demo = server.demo
    lars, sara = await server.login("lars"), await server.login("sara")
    url = f"/api/v1/units/{demo.unit_id}/routing-table"
    table = await lars.ok("GET", url)
    table["rehab"] = str(demo.teams["allman"])
    await lars.ok("PUT", url, {"rules": table})
    status, _ = await sara.request("PUT", url, {"rules": table})
    assert status == 404  # not an administrator
    status, body = await lars.request("PUT", url, {"rules": {"rehab": str(demo.teams["vaster"])}})
    assert status == 422
    anna = await server.login("anna")
    result = await _routed(anna, demo.patients["anna"], TYPICAL[1][0])
    assert result["thread"]["team"]["key"] == "allman"
