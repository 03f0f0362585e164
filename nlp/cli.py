"""Command line: `nara nlp train|eval|route ...` (also `python -m nlp ...`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from .corpus import LabelledMessage, load_split
from .evaluate import evaluate, format_report
from .model import train_model
from .router import Router, default_model_dir

Corrections = Callable[[], Iterable[tuple[str, str]]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nara nlp", description="Nära message routing")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train the classifiers and save the model")
    train.add_argument("--output", type=Path, default=None)
    train.add_argument("--include-corrections", action="store_true")
    ev = sub.add_parser("eval", help="evaluate on a labelled split")
    ev.add_argument("--model", type=Path, default=None)
    ev.add_argument("--split", choices=("test", "dev", "train"), default="test")
    route = sub.add_parser("route", help="route JSON lines {id, text} from FILE or stdin")
    route.add_argument("--model", type=Path, default=None)
    route.add_argument("file", nargs="?", type=Path, default=None)
    return parser


def _train(args: argparse.Namespace, corrections: Corrections | None) -> int:
    rows = load_split("train") + load_split("dev")
    if args.include_corrections:
        if corrections is None:
            print("Fel: inga personalkorrigeringar finns att hämta.", file=sys.stderr)
            return 2
        extra = [
            LabelledMessage(f"corr-{i}", text, cat, None)
            for i, (text, cat) in enumerate(corrections())
        ]
        print(f"Lägger till {len(extra)} korrigeringar.")
        rows += extra
    output = args.output or default_model_dir()
    train_model(rows, output)
    print(f"Modellen sparad i {output}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    router = Router.load(args.model)
    print(format_report(evaluate(router, load_split(args.split))))
    return 0


def route_lines(router: Router, lines: Iterable[str], out: IO[str]) -> None:
    """One output line per non-empty input line; bad input gets an error line."""
    for line in lines:
        if not line.strip():
            continue
        out.write(json.dumps(_route_one(router, line), ensure_ascii=False) + "\n")


def _route_one(router: Router, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"ogiltig JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "error": "raden måste vara ett JSON-objekt"}
    msg_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": msg_id, "error": "fältet 'text' saknas eller är inte en sträng"}
    d = router.route(text)
    return {
        "id": msg_id,
        "category": d.category,
        "urgency": d.urgency,
        "confidence": d.confidence,
        "reasons": list(d.reasons),
        "needs_triage": d.needs_triage,
        "red_flag_kind": d.red_flag_kind,
    }


def _route(args: argparse.Namespace) -> int:
    router = Router.load(args.model)
    if args.file is None:
        route_lines(router, sys.stdin, sys.stdout)
    else:
        with args.file.open(encoding="utf8") as fh:
            route_lines(router, fh, sys.stdout)
    return 0


def main(argv: list[str], corrections: Corrections | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "train":
        return _train(args, corrections)
    if args.command == "eval":
        return _eval(args)
    return _route(args)
