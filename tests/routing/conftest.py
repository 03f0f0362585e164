import dataclasses

import pytest


@pytest.fixture
def base_config(base_config, nlp_router):
    """These tests run the server with the routing model (loaded once: ``nlp_router``)."""
    return dataclasses.replace(base_config, nlp_enabled=True)
