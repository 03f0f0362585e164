"""The routing result handed to the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .pii import PiiSpan


@dataclass(frozen=True)
class RoutingDecision:
    category: str
    urgency: str
    confidence: float
    reasons: tuple[str, ...]
    pii_spans: tuple[PiiSpan, ...]
    language: str
    target_team: str | None
    needs_triage: bool
    emergency_reply: str | None
    red_flag_kind: str | None
    # The catalogue presentation behind an `akut` or `bradskande` decision (id, Swedish name).
    presentation: str | None = None
    presentation_name: str | None = None
    # Safety-netting advice for a serious message short of `akut` ("if it gets worse, 112").
    safety_net_reply: str | None = None
    # The learned acute detector's probability (0 when it was not consulted).
    acute_probability: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "urgency": self.urgency,
            "confidence": round(self.confidence, 4),
            "reasons": list(self.reasons),
            "pii_spans": [s.to_dict() for s in self.pii_spans],
            "language": self.language,
            "target_team": self.target_team,
            "needs_triage": self.needs_triage,
            "emergency_reply": self.emergency_reply,
            "red_flag_kind": self.red_flag_kind,
            "presentation": self.presentation,
            "presentation_name": self.presentation_name,
            "safety_net_reply": self.safety_net_reply,
            "acute_probability": round(self.acute_probability, 4),
        }
