"""The event loop ``nara serve`` runs on: uvloop by default, asyncio's own on request.

``NARA_EVENT_LOOP=uvloop`` (the default) runs the server on uvloop (libuv; its transports,
timers and selector are C, which a server that mostly moves small WebSocket frames and
database round trips spends much of its time in); ``asyncio`` runs it on the standard library's
loop. Where uvloop is not installed (a platform without a wheel), ``uvloop`` falls back to
asyncio's loop with a warning, so the server always starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger("nara.loop")
T = TypeVar("T")
EVENT_LOOPS = ("uvloop", "asyncio")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def loop_factory(choice: str) -> tuple[str, LoopFactory | None]:
    """The loop that ``choice`` gets here: its name and factory (None: asyncio's default)."""
    if choice not in EVENT_LOOPS:
        raise ValueError(f"NARA_EVENT_LOOP must be one of {', '.join(EVENT_LOOPS)}: {choice!r}")
    if choice == "asyncio":
        return "asyncio", None
    try:
        import uvloop
    except ImportError:
        log.warning("uvloop is not installed; running on asyncio's event loop")
        return "asyncio", None
    factory: LoopFactory = uvloop.new_event_loop
    return "uvloop", factory


def running_loop_name() -> str:
    """``uvloop`` or ``asyncio``: what the current thread's running loop is."""
    return "uvloop" if type(asyncio.get_running_loop()).__module__.startswith("uvloop") else (
        "asyncio"
    )


def run(main: Coroutine[Any, Any, T], choice: str) -> T:
    """``asyncio.run(main)`` on the loop ``choice`` names (:func:`loop_factory`)."""
    _, factory = loop_factory(choice)
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)
