"""Supervised background tasks: every task the server starts is named, held, logged when it
fails and cancelled (and awaited) on shutdown.

``asyncio.create_task`` alone keeps only a weak reference (a task can vanish mid-run) and an
exception in it is reported, if at all, when it is garbage-collected. Start tasks here instead:
``tasks.forever(name, loop)`` for a loop that lives as long as the process (restarted with
back-off after a crash), ``tasks.start(name, coro)`` for one piece of work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger("nara.tasks")
FIRST_RESTART_DELAY_S = 1.0
MAX_RESTART_DELAY_S = 30.0


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def start(self, name: str, work: Coroutine[Any, Any, object]) -> asyncio.Task[None]:
        """Run ``work`` once; a failure is logged with the task's name (the exception type
        only: SQL errors quote their parameters, which may be personal data)."""
        if self._closed:
            work.close()
            raise RuntimeError("the server is shutting down")
        task = asyncio.create_task(_logged(name, work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def forever(self, name: str, loop: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """Run ``loop`` for the life of the process; restart it after a crash."""
        return self.start(name, _restarting(name, loop))

    def names(self) -> list[str]:
        return sorted(t.get_name() for t in self._tasks)

    async def close(self) -> None:
        """Cancel every task and wait for them to end; no new task starts after this."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.difference_update(tasks)  # done callbacks run a loop turn later


async def _logged(name: str, work: Awaitable[object]) -> None:
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.error("background task failed", extra={"task": name, "error": type(exc).__name__})


async def _restarting(name: str, loop: Callable[[], Awaitable[None]]) -> None:
    delay = FIRST_RESTART_DELAY_S
    while True:
        try:
            await loop()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error(
                "background task crashed; restarting",
                extra={"task": name, "error": type(exc).__name__},
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RESTART_DELAY_S)
