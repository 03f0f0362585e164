"""Steps the case-type tests share."""

from __future__ import annotations

from typing import Any

from tests.support.clients import ApiClient
from tests.support.flows import cid


async def copy_template(admin: ApiClient, unit_id: Any, template: str, **extra: Any) -> Any:
    return await admin.ok(
        "POST",
        f"/api/v1/units/{unit_id}/case-types",
        {"key": extra.pop("key", template), "template_key": template, **extra},
    )


async def start(client: ApiClient, case_type_id: str, patient_id: Any, answers: Any) -> Any:
    return await client.request(
        "POST",
        f"/api/v1/case-types/{case_type_id}/threads",
        {"patient_id": str(patient_id), "client_id": cid(), "answers": answers},
    )


def problems(body: Any) -> dict[str, str]:
    return {e["field"]: e["problem"] for e in body["error"]["details"]["errors"]}
