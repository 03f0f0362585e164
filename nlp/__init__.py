"""Nära routing library: text in, RoutingDecision out.

A pure library: it must not import `server`, `chat` or `signaling`.
"""

from .decision import RoutingDecision
from .pii import PiiSpan, find_personal_data, mask_personal_data
from .router import Router
from .taxonomy import CATEGORIES, URGENCIES

__all__ = [
    "CATEGORIES",
    "URGENCIES",
    "PiiSpan",
    "Router",
    "RoutingDecision",
    "find_personal_data",
    "mask_personal_data",
]
