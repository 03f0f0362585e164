"""Routing speed and size: median and p99 per message on one core, model size on disk.

Run pinned to one core: `taskset -c 0 .venv/bin/python bench/nlp_bench.py`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from nlp import Router
from nlp.corpus import SPLITS, load_split
from nlp.router import SHIPPED_MODEL_DIR

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "nlp" / "catalogue"


def _size_mb(*folders: Path) -> float:
    return sum(f.stat().st_size for d in folders for f in d.rglob("*") if f.is_file()) / 1e6


def main(rounds: int) -> None:
    started = time.perf_counter()
    router = Router.load()
    load_s = time.perf_counter() - started
    texts = [row.text for split in SPLITS for row in load_split(split)]
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
    print(f"model load: {load_s * 1000:.0f} ms (context reader: {router.screen.context.name})")
    print(f"model on disk: {_size_mb(SHIPPED_MODEL_DIR, CATALOGUE_DIR):.1f} MB")
    print(f"messages routed: {len(timings)}")
    print(f"median: {median * 1000:.3f} ms/message")
    print(f"p99:    {p99 * 1000:.3f} ms/message")
    print(f"throughput: {len(timings) / sum(timings):.0f} messages/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    main(parser.parse_args().rounds)
