"""Command line: `nara nlp train|eval|route ...` (also `python -m nlp ...`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from .catalogue import Catalogue, shipped_catalogue
from .corpus import DATA_DIR, SPLITS, LabelledMessage, load_split, missing_files, training_rows
from .evaluate import evaluate, format_report
from .model import train_model
from .router import DEFAULT_CONTEXT, Router, default_model_dir
from .screen import CONTEXT_READERS

Corrections = Callable[[], Iterable[tuple[str, str]]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nara nlp", description="Nära message routing")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train the classifiers and save the model")
    train.add_argument("--output", type=Path, default=None)
    train.add_argument("--include-corrections", action="store_true")
    ev = sub.add_parser("eval", help="evaluate on a labelled split (default: the frozen eval)")
    ev.add_argument("--model", type=Path, default=None)
    ev.add_argument("--split", choices=SPLITS, default="eval")
    ev.add_argument("--context", choices=CONTEXT_READERS, default=None)
    ctx = sub.add_parser("context-eval", help="compare the context readers on one split")
    ctx.add_argument("--model", type=Path, default=None)
    ctx.add_argument("--split", choices=SPLITS, default="dev")
    for command in (train, ev, ctx):
        command.add_argument(
            "--data-dir", type=Path, default=DATA_DIR,
            help="a corpus laid out like nlp/data (corpus/, legacy/, eval/); default: nlp/data")
    sub.add_parser("catalogue", help="print the emergency catalogue as a Markdown table")
    route = sub.add_parser("route", help="route JSON lines {id, text} from FILE or stdin")
    route.add_argument("--model", type=Path, default=None)
    route.add_argument("file", nargs="?", type=Path, default=None)
    return parser


def _train(args: argparse.Namespace, corrections: Corrections | None) -> int:
    rows = training_rows(args.data_dir)
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
    train_model(rows, output, calibration=load_split("dev", args.data_dir))
    print(f"Modellen sparad i {output}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    router = Router.load(args.model, context=args.context or DEFAULT_CONTEXT)
    print(format_report(evaluate(router, load_split(args.split, args.data_dir))))
    return 0


def _context_eval(args: argparse.Namespace) -> int:
    rows = load_split(args.split, args.data_dir)
    for name in CONTEXT_READERS:
        report = evaluate(Router.load(args.model, context=name), rows)
        print(f"{name:<10} akut-recall {report.akut}   kluriga som akut "
              f"{report.tricky_false_akut}")
    return 0


def catalogue_table(catalogue: Catalogue) -> str:
    """The catalogue as the Markdown table in nlp/README.md."""
    lines = [
        "| presentation | system | decision | category | triggers | sources |",
        "|---|---|---|---|---|---|",
    ]
    for p in catalogue.presentations:
        decision = "ring 112" if p.decision == "112" else "kontakt i dag"
        triggers = "; ".join(" + ".join(t) for t in p.triggers[:3])
        if len(p.triggers) > 3:
            triggers += f"; … ({len(p.triggers)})"
        sources = "; ".join(p.sources)
        lines.append(f"| {p.name_sv} (`{p.id}`) | {p.system} | {decision} | {p.category} | "
                     f"{triggers} | {sources} |")
    return "\n".join(lines)


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
        "presentation": d.presentation,
    }


def _route(args: argparse.Namespace) -> int:
    router = Router.load(args.model)
    if args.file is None:
        route_lines(router, sys.stdin, sys.stdout)
    else:
        with args.file.open(encoding="utf8") as fh:
            route_lines(router, fh, sys.stdout)
    return 0


def _missing_data(args: argparse.Namespace) -> str | None:
    """What a --data-dir lacks for the command, so that it fails with a sentence."""
    data_dir: Path | None = getattr(args, "data_dir", None)
    if data_dir is None:
        return None
    splits = ("train", "legacy_train") if args.command == "train" else (args.split,)
    absent = missing_files(splits, data_dir)
    return f"{data_dir} saknar {', '.join(absent)}" if absent else None


def main(argv: list[str], corrections: Corrections | None = None) -> int:
    args = _parser().parse_args(argv)
    missing = _missing_data(args)
    if missing:
        print(f"Fel: {missing}", file=sys.stderr)
        return 2
    if args.command == "train":
        return _train(args, corrections)
    if args.command == "eval":
        return _eval(args)
    if args.command == "context-eval":
        return _context_eval(args)
    if args.command == "catalogue":
        print(catalogue_table(shipped_catalogue()))
        return 0
    return _route(args)
