"""The chat side of routing: what the service needs from a classifier (nlp/ provides one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

ACUTE = "akut"
TRIAGE_KEY = "triage"


@dataclass(frozen=True)
class Classification:
    category: str
    urgency: str
    confidence: float
    reasons: tuple[str, ...]
    target_team_key: str | None
    needs_triage: bool
    emergency_reply: str | None
    red_flag_kind: str | None

    @property
    def acute(self) -> bool:
        return self.urgency == ACUTE

    def stored(self) -> dict[str, Any]:
        """What is kept on the thread and shown to staff (reasons are already masked)."""
        return {
            "category": self.category,
            "urgency": self.urgency,
            "confidence": round(self.confidence, 3),
            "reasons": list(self.reasons),
            "needs_triage": self.needs_triage,
            "red_flag_kind": self.red_flag_kind,
        }


class MessageClassifier(Protocol):
    def classify(self, text: str, routing_table: Mapping[str, str]) -> Classification:
        """``routing_table`` maps category (and ``triage``) to a team key of the unit."""
