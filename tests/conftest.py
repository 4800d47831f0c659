from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.server import ScriptedServer

# Property tests: a short, fixed run by default ("ci": the same examples every run, nothing
# written to disk); HYPOTHESIS_PROFILE=long for a long run by hand.
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, database=None)
settings.register_profile("long", max_examples=5_000, deadline=None)
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
