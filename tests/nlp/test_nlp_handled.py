"""An emergency care has already seen to, the person well again, is followed up today; what
is told after "mår bra nu", or a visit that did not happen, still means 112."""

from __future__ import annotations

import pytest

from nlp import Router

HANDLED = [
    "Var på akuten i natt för bröstsmärta och kallsvett, de tog prover och allt var bra, fick "
    "åka hem. Nu mår jag bra. Ska jag boka uppföljning?",
    "Pappa fick ett krampanfall i morse, ambulansen tog honom. Nu är han hemma från sjukhuset "
    "och mår som vanligt.",
    "Our son swallowed a battery last week, we went to the ER, they took it out and sent us "
    "home. He is totally fine now. Do we need a follow-up?",
]
NOT_HANDLED = [
    # New symptoms after the recovery.
    "Var på akuten i går och fick åka hem, mådde bra, men nu har jag ont i bröstet igen och "
    "kallsvettas.",
    # Care has not seen it: refusing to go is not a visit.
    "Min son svalde ett batteri nyss, vi vill inte åka in, han mår bra.",
    # Getting worse again.
    "Mamma var inlagd för lunginflammation och skrevs ut i går, mådde bra, men nu är hon "
    "förvirrad, andas snabbt och har frossa igen och blir sämre.",
]


@pytest.mark.parametrize("text", HANDLED)
def test_handled_and_well_is_not_sent_to_112_again(router: Router, text: str) -> None:
    assert router.route(text).urgency != "akut"


@pytest.mark.parametrize("text", NOT_HANDLED)
def test_new_worse_or_unseen_still_means_112(router: Router, text: str) -> None:
    assert router.route(text).urgency == "akut"
