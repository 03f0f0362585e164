"""A unit administrator's broken edit: one error per bad part of the definition, each with the
path of the part and a stable code the web client shows its own text for; nothing is saved."""

from __future__ import annotations

from typing import Any

from tests.case_types.support import copy_template


def codes(body: Any) -> dict[str, str]:
    return {e["field"]: e["code"] for e in body["error"]["details"]["errors"]}


async def test_each_broken_part_has_its_path_and_code(server):
    demo = server.demo
    lars = await server.login("lars")
    recept = await copy_template(lars, demo.unit_id, "fornya_recept")
    definition = {
        "name": "",
        "response_time_hours": 0,
        "fields": [
            {"key": "val", "type": "single_choice", "label": "Välj", "options": []},
            {"key": "ja", "type": "yes_no", "label": "Ja?", "options": []},
            {"key": "tal", "type": "number", "label": "Tal", "min": 5, "max": 1},
            {"key": "flera", "type": "multiple_choice", "label": "Flera"},
            {"key": "tom", "type": "short_text", "label": " "},
        ],
    }
    url = f"/api/v1/case-types/{recept['id']}"
    status, body = await lars.request("PUT", url, {"definition": definition})
    assert status == 422, body
    assert codes(body) == {
        "definition.name": "string_too_short",
        "definition.response_time_hours": "greater_than_equal",
        "definition.fields.0": "options_too_few",
        "definition.fields.1": "options_not_choice",
        "definition.fields.2": "min_above_max",
        "definition.fields.3": "options_required",
        "definition.fields.4.label": "string_too_short",
    }
    assert "Välj" not in str(body)  # input is never echoed

    status, body = await lars.request(
        "PUT",
        url,
        {"definition": {"name": "X", "fields": [{"key": "f", "type": "file", "label": "Fil"}]}},
    )
    assert status == 422 and codes(body) == {"definition": "file_needs_attachments"}
    status, body = await lars.request(
        "PUT",
        url,
        {
            "definition": {"name": "X", "fields": [{"key": "a", "type": "yes_no", "label": "A"}]},
            "team_id": str(demo.teams["vaster"]),  # another unit's team
        },
    )
    assert status == 422 and codes(body) == {"team_id": "team_not_in_unit"}
    versions = await lars.ok("GET", f"/api/v1/case-types/{recept['id']}/versions")
    assert [v["version"] for v in versions] == [1]
