"""server/tasks.py: named tasks, a failure logged (without its message), loops restarted,
everything cancelled and awaited on close."""

from __future__ import annotations

import asyncio
import logging

import pytest

from server import tasks as tasks_module
from server.config import Config
from server.keys import TASKS
from server.tasks import BackgroundTasks
from tests.conftest import start_server


async def test_a_failing_task_is_logged_by_name_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tasks = BackgroundTasks()

    async def fails() -> None:
        raise ValueError("personnummer 19121212-1212")

    with caplog.at_level(logging.ERROR, logger="nara.tasks"):
        await asyncio.wait({tasks.start("doomed", fails())})
    (record,) = caplog.records
    assert (record.task, record.error) == ("doomed", "ValueError")  # type: ignore[attr-defined]
    assert "1212" not in caplog.text
    assert tasks.names() == []  # a finished task is let go


async def test_a_crashed_loop_is_restarted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks_module, "FIRST_RESTART_DELAY_S", 0.01)
    runs: list[int] = []
    done = asyncio.Event()

    async def flaky() -> None:
        runs.append(1)
        if len(runs) < 3:
            raise RuntimeError("not yet")
        done.set()
        await asyncio.Event().wait()

    tasks = BackgroundTasks()
    tasks.forever("flaky", flaky)
    await asyncio.wait_for(done.wait(), 5)
    assert len(runs) == 3 and tasks.names() == ["flaky"]
    await tasks.close()


async def test_close_cancels_and_awaits_every_task_and_refuses_new_ones() -> None:
    tasks = BackgroundTasks()
    stopped: list[str] = []

    async def forever(name: str) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            stopped.append(name)

    tasks.start("a", forever("a"))
    tasks.forever("b", lambda: forever("b"))
    await asyncio.sleep(0)
    assert tasks.names() == ["a", "b"]
    await tasks.close()
    assert sorted(stopped) == ["a", "b"] and tasks.names() == []
    with pytest.raises(RuntimeError):
        tasks.start("late", forever("late"))


async def test_the_server_runs_its_loops_as_named_tasks_and_stops_them(
    base_config: Config,
) -> None:
    runner, _ = await start_server(base_config)
    tasks = runner.app[TASKS]
    assert {"session-sweep", "upload-purge", "notify-delivery"} <= set(tasks.names())
    # Let the loops' first rounds finish: asyncpg complains (harmlessly) about a connect
    # cancelled half-way.
    await asyncio.sleep(0.5)
    await runner.cleanup()
    assert tasks.names() == []
