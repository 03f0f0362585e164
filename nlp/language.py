"""Tiny stop-word based Swedish/English detector (messages are short; this is enough)."""

from __future__ import annotations

from collections.abc import Sequence

_SV = frozenset(
    "jag och att det ar är har inte min mitt mina på pa med för for som en ett han hon vi "
    "kan ska vill hej nu sedan sen igen eller men mycket mig dig om vad hur när nar blir fick "
    "ont".split()
)
_EN = frozenset(
    "i and the my is have has not to of with for it a an he she we can should want hi hello "
    "now since again or but very me you what how when got get pain been this that".split()
)


def detect_language(folded_tokens: Sequence[str]) -> str:
    """"en" if English function words clearly dominate, else "sv" (the default)."""
    sv = sum(1 for t in folded_tokens if t in _SV)
    en = sum(1 for t in folded_tokens if t in _EN)
    return "en" if en > sv else "sv"
