"""The OpenAPI document describes every endpoint with request and response schemas."""

from server.api import build_api
from server.api.registry import PREFIX


async def test_openapi_lists_every_endpoint_with_schemas(server):
    doc = await server.anonymous().ok("GET", "/api/v1/openapi.json")
    api = build_api()
    for ep in api.endpoints:
        op = doc["paths"][PREFIX + ep.path][ep.method.lower()]
        assert op["summary"] and op["responses"]
        if ep.body is not None:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[-1] in doc["components"]["schemas"]
        for response in op["responses"].values():
            for media in response.get("content", {}).values():
                _resolve(doc, media["schema"])
    assert len(doc["paths"]) >= 15
    upload = doc["paths"][PREFIX + "/threads/{thread_id}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    download = doc["paths"][PREFIX + "/attachments/{attachment_id}"]["get"]
    assert "image/jpeg" in download["responses"]["200"]["content"]


def _resolve(doc, schema):
    if "$ref" in schema:
        assert schema["$ref"].rsplit("/", 1)[-1] in doc["components"]["schemas"], schema
    subs = [schema["items"]] if "items" in schema else []
    for sub in subs + list(schema.get("anyOf", [])):
        _resolve(doc, sub)
