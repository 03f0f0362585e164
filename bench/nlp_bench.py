"""Routing speed: median and p99 time per message, and messages per second (one core)."""

from __future__ import annotations

import statistics
import time

from nlp import Router
from nlp.corpus import load_split


def main(rounds: int = 20) -> None:
    started = time.perf_counter()
    router = Router.load()
    load_s = time.perf_counter() - started
    texts = [row.text for split in ("train", "dev", "test") for row in load_split(split)]
    for text in texts:  # warm-up: caches and lazy allocations
        router.route(text)
    timings = []
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            router.route(text)
            timings.append(time.perf_counter() - t0)
    timings.sort()
    median = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"model load: {load_s * 1000:.0f} ms")
    print(f"messages routed: {len(timings)}")
    print(f"median: {median * 1000:.3f} ms/message")
    print(f"p99:    {p99 * 1000:.3f} ms/message")
    print(f"throughput: {len(timings) / sum(timings):.0f} messages/s")


if __name__ == "__main__":
    main()
