"""The JSON of the Socket.IO wire, of the bus and of REST bodies: orjson.

python-socketio and python-engineio take a module-like ``json`` with ``dumps`` and ``loads``
(``AsyncServer(json=…)``); it encodes every packet sent (each event once, however many
connections get it), decodes every packet received, and encodes and decodes the Redis bus's
messages (server/revocation.py). :data:`WIRE_JSON` is orjson behind that interface (orjson is
a dependency, so there is no second encoder to keep in step).

What orjson does differently, none of which the payloads depend on (they come from
``model_dump(mode="json")`` and plain dicts): compact output always (``separators`` are
ignored; the libraries ask for compact output anyway), UTF-8 instead of ``\\uXXXX`` escapes,
and a lone surrogate in a received string is a decoding error (PostgreSQL could not store it
either). Integers beyond 64 bits decode as floats, so a long number costs linear time.
"""

from __future__ import annotations

from typing import Any

import orjson


class OrjsonWire:
    """``dumps``/``loads`` as python-socketio calls them, by orjson."""

    @staticmethod
    def dumps(obj: Any, **_ignored: Any) -> str:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS).decode()

    @staticmethod
    def loads(data: str | bytes | bytearray | memoryview, **_ignored: Any) -> Any:
        return orjson.loads(data)


WIRE_JSON = OrjsonWire()
