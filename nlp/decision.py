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
        }
