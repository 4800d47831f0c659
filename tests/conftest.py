from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.redis_server import RedisServer
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


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server shared by the session (do not kill it: use ``own_redis_server``)."""
    try:
        server = RedisServer().start()
    except RuntimeError as error:
        pytest.skip(str(error))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test."""
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def own_redis_server() -> Iterator[RedisServer]:
    """A redis-server of this test's own, which it may kill and restart."""
    try:
        server = RedisServer().start()
    except RuntimeError as error:
        pytest.skip(str(error))
    yield server
    server.stop()
