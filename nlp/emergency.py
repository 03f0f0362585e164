"""Fixed replies: the 112 stop for `akut`, safety-netting advice for `bradskande`.

An asynchronous chat must never queue an emergency, and a serious symptom that falls short
of one still gets advice at once on what should make the writer call 112.
"""

from __future__ import annotations

from .catalogue import Presentation

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
_SAFETY_NET = {
    "sv": (
        "Vi har sett ditt meddelande och återkommer i dag. {about}Om det blir värre, om nya "
        "besvär tillkommer eller om du känner dig mycket sjuk – ring 112 direkt. Behöver du "
        "råd innan vi hör av oss, ring 1177."
    ),
    "en": (
        "We have seen your message and will get back to you today. {about}If it gets worse, "
        "new symptoms appear or you feel very ill, call 112 at once. For advice before we "
        "reply, call 1177."
    ),
}


def emergency_reply(language: str, presentation: Presentation | None = None) -> str:
    base = _REPLIES.get(language, _REPLIES["sv"])
    advice = _advice(language, presentation)
    return f"{advice} {base}" if advice else base


def safety_net_reply(language: str, presentation: Presentation | None = None) -> str:
    template = _SAFETY_NET.get(language, _SAFETY_NET["sv"])
    about = ""
    if presentation is not None:
        name = presentation.name_en if language == "en" else presentation.name_sv
        about = (f"It may concern: {name.lower()}. " if language == "en"
                 else f"Det kan gälla: {name[0].lower() + name[1:]}. ")
    return template.format(about=about)


def _advice(language: str, presentation: Presentation | None) -> str | None:
    if presentation is None:
        return None
    advice = presentation.advice_en if language == "en" else presentation.advice_sv
    # Generic "call 112" advice is already in the reply; only specific advice is added.
    if advice and advice.strip().rstrip(".").lower() not in ("ring 112 nu", "call 112 now"):
        return advice.strip()
    return None
