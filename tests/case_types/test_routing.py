"""Free-text answers go through nlp/ like any first message: routed to a team, and an
emergency stopped at the door (the 112 answer in the same request)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.case_types.support import copy_template, start


@pytest.fixture
def base_config(base_config, nlp_router):
    return dataclasses.replace(base_config, nlp_enabled=True)


async def test_free_text_answers_are_routed_and_screened(server):
    demo = server.demo
    lars, bertil = await server.login("lars"), await server.login("bertil")
    anmal = await copy_template(lars, demo.unit_id, "fast_vardkontakt")
    kontakt = await copy_template(lars, demo.unit_id, "kontakt")
    status, routed = await start(
        bertil,
        anmal["id"],
        demo.patients["bertil"],
        {"varfor": "Mitt blodsocker har varit högt hela veckan trots insulinet"},
    )
    assert status == 201, routed
    assert routed["thread"]["team"]["id"] == str(demo.teams["diabetes"])
    assert routed["emergency"] is None

    status, acute = await start(
        bertil,
        kontakt["id"],
        demo.patients["bertil"],
        {"arende": "Jag har ont i bröstet och kan inte andas ordentligt", "kontaktsatt": "telefon"},
    )
    assert status == 201, acute
    assert acute["emergency"] is not None and "112" in acute["emergency"]["reply"]
    assert acute["thread"]["urgency"] == "akut"
    # A care-contact case type goes to the contact's team, whatever the text says.
    assert acute["thread"]["team"]["id"] == str(demo.teams["allman"])
