from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.server import ScriptedServer

# Property tests: "ci" (the default, what scripts/test runs) tries a small fixed set of examples;
# HYPOTHESIS_PROFILE=long tries many more, by hand. Neither keeps an example database.
settings.register_profile("ci", max_examples=30, derandomize=True, deadline=None, database=None)
settings.register_profile("long", max_examples=3000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest.fixture
def server(scripted_server: ScriptedServer) -> ScriptedServer:
    """The scripted server, with an empty script and no recorded requests."""
    scripted_server.reset()
    return scripted_server
