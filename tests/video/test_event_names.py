"""The /video event names have one source (signaling/events.py): the namespace handles every
client event, and the web client's generated list is current."""

from __future__ import annotations

from pathlib import Path

from server.video import VideoNamespace
from signaling import events

GENERATED = Path(__file__).resolve().parents[2] / "web_client/src/video/events.gen.ts"


def test_every_client_event_has_a_handler_and_nothing_else_does() -> None:
    handlers = {n[3:] for n in dir(VideoNamespace) if n.startswith("on_")}
    assert handlers - {"connect", "disconnect"} == {str(e) for e in events.ClientEvent}


def test_the_web_clients_event_names_are_generated_from_the_server() -> None:
    assert GENERATED.read_text() == events.typescript(), (
        "stale: run `python -m signaling.events > web_client/src/video/events.gen.ts`"
    )
