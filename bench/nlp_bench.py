"""Routing speed and size: median and p99 per message on one core, model size on disk.

Run pinned to one core: `taskset -c 0 .venv/bin/python bench/nlp_bench.py`; `--stages` also
prints where a message's CPU time goes (mean µs per stage over the corpus's dev split).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from nlp import Router
from nlp.corpus import SPLITS, load_split
from nlp.router import SHIPPED_MODEL_DIR

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "nlp" / "catalogue"


def _size_mb(*folders: Path) -> float:
    return sum(f.stat().st_size for d in folders for f in d.rglob("*") if f.is_file()) / 1e6


def _stages(router: Router, texts: list[str]) -> None:
    """CPU time per stage of `Router.route`, each stage run on the previous one's output."""
    spent: dict[str, float] = defaultdict(float)
    clock = time.process_time
    screen, featurizer = router.screen, router.featurizer
    for text in texts:
        t0 = clock()
        an = featurizer.analyzer.analyse(text)
        t1 = clock()
        featurizer.rules.keyword_hits(an)
        t2 = clock()
        mentions = [m for m in screen.matcher.find(an) if m.concept in screen.relevant]
        t3 = clock()
        screen.context.read(an, mentions)
        t4 = clock()
        feats, assessment = router.assess(text)
        t5 = clock()
        router.scores(feats, assessment)
        t6 = clock()
        router._acute_score(feats, assessment)
        t7 = clock()
        router.route(text)
        t8 = clock()
        for name, a, b in (("tokens, lemmas, Doc", t0, t1), ("keywords", t1, t2),
                           ("concepts", t2, t3), ("context (ConText)", t3, t4),
                           ("classifiers", t5, t6), ("acute detector", t6, t7),
                           ("whole route()", t7, t8)):
            spent[name] += b - a
    for name, total in spent.items():
        print(f"  {name:22s} {total / len(texts) * 1e6:7.0f} µs")


def main(rounds: int, stages: bool) -> None:
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
    if stages:
        print("CPU per stage (dev split, mean):")
        _stages(router, [row.text for row in load_split("dev")])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stages", action="store_true", help="CPU time per routing stage")
    args = parser.parse_args()
    main(args.rounds, args.stages)
