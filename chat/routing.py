"""The chat side of routing: what the service needs from a classifier (nlp/ provides one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

ACUTE = "akut"
URGENT = "bradskande"
TRIAGE_KEY = "triage"
# Most urgent first. An urgency is only ever raised automatically, never lowered.
URGENCY_ORDER = ("akut", "bradskande", "snart", "rutin")


def more_urgent(new: str | None, current: str | None) -> bool:
    """Is ``new`` more urgent than ``current`` (None and unknown values rank lowest)?"""
    rank = {u: len(URGENCY_ORDER) - i for i, u in enumerate(URGENCY_ORDER)}
    return rank.get(new or "", 0) > rank.get(current or "", 0)


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
    # The catalogue presentation behind an `akut` or `bradskande` decision (id, Swedish name).
    presentation: str | None = None
    presentation_name: str | None = None
    # Advice for a serious message short of `akut` ("if it gets worse, call 112").
    safety_net_reply: str | None = None

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
            "presentation": self.presentation,
            "presentation_name": self.presentation_name,
            "safety_net_reply": self.safety_net_reply,
        }


class MessageClassifier(Protocol):
    def classify(self, text: str, routing_table: Mapping[str, str]) -> Classification:
        """``routing_table`` maps category (and ``triage``) to a team key of the unit."""
