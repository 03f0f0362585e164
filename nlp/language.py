"""Tiny word-list based Swedish/English detector (messages are short; this is enough).

"i" is left out: it is Swedish "in" and English "I". Ties go to Swedish, the default.
"""

from __future__ import annotations

from collections.abc import Sequence

_SV = frozenset(
    "jag och att det ar är har inte min mitt mina på pa med för for som en ett han hon vi "
    "de dem kan ska vill hej nu sedan sen igen eller men mycket mig dig om vad hur när nar "
    "blir fick far får ont till av fran från efter ingen inga kom gick gar går hjälp hjalp "
    "tack idag igår igar imorgon mamma pappa bebis barn dotter sonen dottern mår mar jätte "
    "jatte väldigt valdigt lite också ocksa nästan nastan finns behöver behover".split()
)
_EN = frozenset(
    "and the my is are was were be am have has had not to of with it a an he she we you "
    "they can can't cant cannot should would could want hi hello now since again or but "
    "very me what how when why got get been this that i'm im i've ive it's he's she's "
    "don't dont doesn't won't please help thanks thank in on at from by out if about will "
    "there their our his her your who which after before ago hours days pain baby son "
    "daughter wife husband dad mum mom just really feel feeling wont won't bleeding breathe "
    "breathing chest fever headache collapsed heavy worst suddenly blood stop stopped".split()
)


def detect_language(folded_tokens: Sequence[str]) -> str:
    """"en" if English words outnumber Swedish ones, else "sv"."""
    sv = sum(1 for t in folded_tokens if t in _SV)
    en = sum(1 for t in folded_tokens if t in _EN)
    return "en" if en > sv else "sv"
