async def test_health_and_openapi(server):
    client = server.anonymous()
    assert await client.ok("GET", "/api/v1/health") == {"status": "ok"}
    doc = await client.ok("GET", "/api/v1/openapi.json")
    assert doc["openapi"].startswith("3.")
