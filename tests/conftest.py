from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import ScriptedServer


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
