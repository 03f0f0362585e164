"""Population markers read from the whole message: an infant's age, a pregnancy.

The searches behind them are written for speed (see nlp/rules.py); these pin what they mean,
word boundaries included."""

from __future__ import annotations

import pytest

from nlp.rules import infant_ages, is_pregnant


@pytest.mark.parametrize(
    ("text", "is_age"),
    [
        ("sonen ar 3 veckor", True),  # a child is mentioned: weeks are an age
        ("han ar 3 veckor och har feber", True),
        ("personen har varit sjuk 3 veckor", False),  # "son" inside a word is no son
        ("schan ar 3 veckor", False),  # nor "han" inside one
        ("det ar 3 veckor sedan", False),
    ],
)
def test_weeks_are_an_age_only_beside_a_child(text: str, is_age: bool) -> None:
    assert bool(infant_ages(text)) is is_age


@pytest.mark.parametrize(
    ("text", "pregnant"),
    [
        ("jag ar gravid i vecka 30", True),
        ("vecka 32+4 och ont i magen", True),  # week + days as midwives write it
        ("32 + 4 och blodning", True),
        ("varkar var femte minut", True),
        ("svarkar", False),  # only the word itself
        ("ont i magen sedan i gar", False),
    ],
)
def test_pregnancy_is_read_from_words_and_week_notation(text: str, pregnant: bool) -> None:
    assert is_pregnant(text) is pregnant
