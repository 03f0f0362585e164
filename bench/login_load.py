"""Logins in flight and everything else: how long an unrelated request waits while a burst
of password logins (argon2, 0.1–0.2 s of CPU each) is being verified.

The server runs as its own `nara serve` process on SQLite; each round starts a burst of
logins at once and, while they run, times a few unrelated requests (GET /). Figures: one
verification on this machine, the burst's duration, and the unrelated requests' p50/max.

    .venv/bin/python bench/login_load.py [--burst 16] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from bench.chat_load import bench_database  # noqa: E402
from chat.storage import Database  # noqa: E402
from server.config import Config  # noqa: E402
from server.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from tests.support.process import ServerProcess  # noqa: E402

USERS = ("anna", "bertil", "sara", "lars")


def one_verification_ms() -> float:
    hashed = PasswordHasher().hash("x")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        PasswordHasher().verify(hashed, "x")
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def round_trip(http: aiohttp.ClientSession, url: str) -> float:
    started = time.perf_counter()
    async with http.get(url + "/") as resp:
        await resp.read()
    return (time.perf_counter() - started) * 1000


async def burst(http: aiohttp.ClientSession, url: str, size: int) -> tuple[float, list[float]]:
    async def log_in(name: str) -> int:
        async with http.post(
            url + "/api/v1/auth/login", json={"username": name, "password": DEMO_PASSWORD}
        ) as resp:
            return resp.status

    started = time.perf_counter()
    logins = [asyncio.create_task(log_in(USERS[i % len(USERS)])) for i in range(size)]
    await asyncio.sleep(0.01)
    waits = [await round_trip(http, url) for _ in range(5)]
    statuses = await asyncio.gather(*logins)
    assert set(statuses) == {200}, statuses
    return (time.perf_counter() - started) * 1000, waits


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, _ = await bench_database("sqlite", Path(tmp))
        db = Database(url)
        await load_demo(db)
        await db.dispose()
        proc = ServerProcess(Config(data_dir=Path(tmp), database_url=url, nlp_enabled=False))
        base = await proc.start()
        try:
            async with aiohttp.ClientSession() as http:
                idle = [await round_trip(http, base) for _ in range(20)]
                durations, waits = [], []
                for _ in range(args.rounds):
                    took, w = await burst(http, base, args.burst)
                    durations.append(took)
                    waits += w
        finally:
            await proc.stop()
    print(f"one argon2 verification: {one_verification_ms():.0f} ms")
    print(f"idle GET /: p50 {statistics.median(idle):.1f} ms")
    print(f"burst of {args.burst} logins: median {statistics.median(durations):.0f} ms")
    print(
        f"GET / during the burst: p50 {statistics.median(waits):.1f} ms, "
        f"max {max(waits):.1f} ms ({len(waits)} requests)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
