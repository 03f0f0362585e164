"""Fixed emergency replies: an asynchronous chat must never queue an emergency."""

from __future__ import annotations

_REPLIES = {
    "sv": (
        "Det du beskriver kan vara livshotande. Ring 112 nu. Vänta inte på svar här – "
        "meddelanden besvaras inte direkt. Behöver du sjukvårdsråd, ring 1177."
    ),
    "en": (
        "What you describe may be life-threatening. Call 112 now. Do not wait for a reply "
        "here – messages are not answered right away. For medical advice, call 1177."
    ),
}


def emergency_reply(language: str) -> str:
    return _REPLIES.get(language, _REPLIES["sv"])
