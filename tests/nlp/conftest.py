from __future__ import annotations

import pytest

from nlp import Router


@pytest.fixture(scope="session")
def router() -> Router:
    return Router.load()
