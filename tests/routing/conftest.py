import dataclasses

import pytest


@pytest.fixture
def base_config(base_config):
    """These tests run the server with the routing model."""
    return dataclasses.replace(base_config, nlp_enabled=True)
