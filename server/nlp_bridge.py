"""Wires nlp/ (a pure library) into the chat: the classifier adapter and ``nara nlp``."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from chat.routing import Classification
from chat.storage import Database
from server.config import Config

log = logging.getLogger("nara.nlp")


class NlpClassifier:
    """chat.routing.MessageClassifier backed by nlp.Router."""

    def __init__(self, router: object) -> None:
        self.router = router

    def classify(self, text: str, routing_table: Mapping[str, str]) -> Classification:
        d = self.router.route(text, routing_table)  # type: ignore[attr-defined]
        return Classification(
            category=d.category,
            urgency=d.urgency,
            confidence=float(d.confidence),
            reasons=tuple(d.reasons),
            target_team_key=d.target_team,
            needs_triage=bool(d.needs_triage),
            emergency_reply=d.emergency_reply,
            red_flag_kind=d.red_flag_kind,
            # Newer routers only: an older nlp.Router has none of these.
            presentation=getattr(d, "presentation", None),
            presentation_name=getattr(d, "presentation_name", None),
            safety_net_reply=getattr(d, "safety_net_reply", None),
        )


def load_classifier(config: Config) -> NlpClassifier | None:
    if not config.nlp_enabled:
        return None
    return NlpClassifier(_router(config.nlp_model_dir or _trained_dir(config)))


@functools.lru_cache(maxsize=4)
def _router(model_dir: Path | None) -> object:
    """One loaded model per directory and process (apps in one process share it)."""
    from nlp import Router

    router = Router.load(model_dir)
    log.info("routing model loaded")
    return router


def _trained_dir(config: Config) -> Path | None:
    """A model trained by ``nara nlp train`` in the data folder wins over the shipped one."""
    path = config.data_dir / "nlp-model"
    return path if path.exists() else None


def run_nlp_cli(argv: list[str], config: Config) -> int:
    from nlp.cli import main

    return main(argv, corrections=lambda: corrections_from_db(config))


def corrections_from_db(config: Config) -> list[tuple[str, str]]:
    """Staff corrections as (first patient message, corrected category) pairs."""

    async def load() -> list[tuple[str, str]]:
        db = Database(config.effective_database_url)
        try:
            async with db.read() as store:
                pairs = []
                for thread_id, category in await store.threads.corrections():
                    first = await store.messages.first_text(thread_id)
                    if first is not None:
                        pairs.append((first.body, category))
                return _latest_per_text(pairs)
        finally:
            await db.dispose()

    return asyncio.run(load())


def _latest_per_text(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """A thread moved twice counts with its last category."""
    return list(dict(pairs).items())
