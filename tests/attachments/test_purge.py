"""Uploads that no message references are removed after their time, rows and blobs."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from server.keys import ATTACHMENTS
from tests.attachments import corpus
from tests.attachments.flows import anna_thread, counts, send_with, stored_files, upload_ok
from tests.conftest import RunningServer, start_server


async def test_purge_removes_unreferenced_uploads(server):
    anna, t = await anna_thread(server)
    purge = server.app[ATTACHMENTS].purge_unreferenced
    [kept] = await upload_ok(anna, t, [corpus.small_png()])
    assert (await send_with(anna, t, [kept["id"]]))[0] == 201
    kept_files = stored_files(server)
    # The same picture again (one shared blob), and a PDF nobody sends.
    [twin, orphan] = await upload_ok(anna, t, [corpus.small_png("kopia.png"), corpus.small_pdf()])
    assert len(stored_files(server)) == len(kept_files) + 1

    assert await purge(timedelta(minutes=60)) == 0  # not yet: too young
    assert await purge(timedelta(0)) == 2
    assert (await counts(server))["attachments"] == 1
    assert stored_files(server) == kept_files  # the shared blob stays for the sent one
    assert (await anna.get(kept["url"]))[0] == 200
    for gone in (twin, orphan):
        assert (await anna.get(gone["url"]))[0] == 404
        status, body = await send_with(anna, t, [gone["id"]])
        assert status == 422 and body["error"]["reason"] == "attachment_unavailable"


@pytest.mark.slow
async def test_background_purge_runs_on_its_own(base_config, db_template):
    config = dataclasses.replace(base_config, upload_ttl_minutes=0, upload_purge_s=0.2)
    runner, url = await start_server(config)
    server = RunningServer(url, db_template.demo, config, runner.app)
    try:
        anna, t = await anna_thread(server)
        await upload_ok(anna, t, [corpus.small_pdf()])
        for _ in range(50):
            if not stored_files(server):
                break
            await asyncio.sleep(0.1)
        assert stored_files(server) == []
        assert (await counts(server))["attachments"] == 0
    finally:
        await server.close_clients()
        await runner.cleanup()
