from __future__ import annotations

from pathlib import Path

import pytest

from nlp import Router


@pytest.fixture(scope="session")
def router(nlp_router: object) -> Router:
    """``Router.load()``, once per run: the model the servers of tests/routing route with
    (tests/conftest.py, ``nlp_router``)."""
    assert isinstance(nlp_router, Router)
    return nlp_router


# Cases the catalogue screen gets wrong today, listed one per line by node id (known_gaps.txt):
# they stay in the suite as strict expected failures, so each one that starts passing fails
# the run until it is taken off the list. See nlp/README.md, "Known limits".
_GAPS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "known_gaps.txt").read_text("utf8").splitlines()
    if line.strip() and not line.startswith("#")
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid in _GAPS:
            item.add_marker(pytest.mark.xfail(strict=True, reason="known gap of the screen"))
