"""Staff corrections are stored and used by `nara nlp train --include-corrections`."""

import asyncio
import os
import sys

import pytest

from tests.support.corpus import small_corpus
from tests.support.flows import start_thread

pytestmark = pytest.mark.slow

TEXTS = [
    "Jag behöver hjälp med min zorblax, den krånglar igen",
    "Zorblaxen krånglar, kan någon hjälpa mig med zorblax",
    "Hej, frågor om zorblax och hur jag ska göra med den",
]


# On an eighth of the corpus: the whole takes minutes, and the point is the corrections.
@pytest.mark.timeout(600)
async def test_correction_is_stored_and_used_for_training(server, tmp_path):
    demo = server.demo
    anna, tove = await server.login("anna"), await server.login("sara")
    for text in TEXTS:
        result = await start_thread(anna, demo.patients["anna"], None, body=text)
        thread = result["thread"]
        assert thread["team"]["key"] == "triage"  # unknown words: low confidence
        await tove.ok(
            "POST",
            f"/api/v1/threads/{thread['id']}/transfer",
            {"team_id": str(demo.teams["diabetes"]), "category": "diabetes"},
        )

    out = tmp_path / "model"
    env = {**os.environ, "DATABASE_URL": server.config.database_url, "NARA_DATA_DIR": str(tmp_path)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.cli",
        "nlp",
        "train",
        "--include-corrections",
        "--output",
        str(out),
        "--data-dir",
        str(small_corpus(tmp_path / "nlp-data")),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    stdout, _ = await asyncio.wait_for(proc.communicate(), 850)
    assert proc.returncode == 0, stdout.decode()
    assert "Lägger till 3 korrigeringar" in stdout.decode()

    from nlp import Router

    decision = Router.load(out).route("Min zorblax krånglar, vad gör jag?")
    assert decision.category == "diabetes"
