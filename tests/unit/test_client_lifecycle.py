"""Clients across threads and event loops, never closed, logging, pools, and what they accept."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import aiohttp
import pytest
import urllib3

import clerk_async
import clerk_sync
from clerk_async import APIConnectionError, APITimeoutError
from tests.support.ops import GET_USER, User
from tests.support.processes import run_python
from tests.support.server import SECRET_KEY, Reply, ScriptedServer, unused_port

OK = Reply(200, json={"id": "user_1"})
SLOW = Reply(200, json={"id": "user_1"}, delay=1.0)


def wait_until_received(server: ScriptedServer, path: str) -> None:
    """Until the server has the request (so the one pooled connection is taken)."""
    deadline = time.monotonic() + 10
    while not server.requests_to("GET", path) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_one_async_client_serves_event_loops_in_many_threads(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", OK)
    clerk = clerk_async.Clerk(bearer_auth=SECRET_KEY, server_url=server.url)
    failures: list[BaseException] = []

    async def calls() -> None:
        for _ in range(15):
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})
            await asyncio.sleep(0)

    def thread() -> None:
        try:
            for _ in range(3):  # a new loop each time, as asyncio.run in a worker does
                asyncio.run(calls())
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=thread) for _ in range(6)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(60)

    assert failures == []
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 6 * 3 * 15


def test_a_client_never_closed_outside_asyncio_run_leaves_no_warning() -> None:
    done = run_python(
        """
        import asyncio
        from clerk_async import Clerk
        from tests.support.ops import GET_USER, User
        from tests.support.server import SECRET_KEY, Reply, ScriptedServer

        server = ScriptedServer().start()
        server.script("GET", "/v1/users/user_1", Reply(200, json={"id": "user_1"}))
        kept = Clerk(bearer_auth=SECRET_KEY, server_url=server.url)

        async def per_call():
            clerk = Clerk(bearer_auth=SECRET_KEY, server_url=server.url)  # never closed
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})
            await kept.send(GET_USER, User, path={"user_id": "user_1"})

        loop = asyncio.new_event_loop()  # a manual loop: no shutdown_asyncgens, never closed
        for _ in range(3):
            loop.run_until_complete(per_call())
        print("done")
        """
    )
    assert done.returncode == 0, done.stderr
    assert "done" in done.stdout
    assert "Unclosed" not in done.stderr, done.stderr


@pytest.mark.parametrize("app_logs", [True, False])
def test_clerk_log_debug_prints_each_line_once(app_logs: bool) -> None:
    done = run_python(
        f"""
        import logging, sys
        if {app_logs}:
            logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="APP %(message)s")
        from clerk_sync import Clerk
        from tests.support.ops import GET_USER, User
        from tests.support.server import SECRET_KEY, Reply, ScriptedServer

        server = ScriptedServer().start()
        server.script("GET", "/v1/users/user_1", Reply(200, json={{"id": "user_1"}}))
        with Clerk(bearer_auth=SECRET_KEY, server_url=server.url) as clerk:
            clerk.send(GET_USER, User, path={{"user_id": "user_1"}})
        """,
        CLERK_LOG="debug",
    )
    lines = [line for line in done.stderr.splitlines() if "/v1/users/user_1 -> 200" in line]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("APP ") is app_logs


def test_a_connection_failure_is_logged_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://127.0.0.1:{unused_port()}/v1"
    with (
        clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=url) as clerk,
        caplog.at_level(logging.DEBUG, logger="clerk"),
        pytest.raises(APIConnectionError),
    ):
        clerk.send(GET_USER, User, path={"user_id": "user_1"}, retries=None)

    (record,) = [r for r in caplog.records if r.name == "clerk"]
    assert "connect failure (NewConnectionError" in record.getMessage()


def test_many_threads_on_a_small_pool_wait_instead_of_warning(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("GET", "/v1/users/user_1", Reply(200, json={"id": "user_1"}, delay=0.02))
    clerk = clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=server.url, max_connections=2)

    def calls() -> None:
        for _ in range(5):
            clerk.send(GET_USER, User, path={"user_id": "user_1"})

    with caplog.at_level(logging.WARNING, logger="urllib3"):
        threads = [threading.Thread(target=calls) for _ in range(16)]
        for each in threads:
            each.start()
        for each in threads:
            each.join(60)

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 80
    assert [r.getMessage() for r in caplog.records] == []


def test_a_sync_wait_for_a_pooled_connection_that_times_out_was_not_sent(
    server: ScriptedServer,
) -> None:
    server.script("GET", "/v1/users/slow", SLOW)
    clerk = clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=server.url, max_connections=1)
    busy = threading.Thread(
        target=clerk.send, args=(GET_USER, User), kwargs={"path": {"user_id": "slow"}}
    )
    busy.start()
    wait_until_received(server, "/v1/users/slow")
    try:
        with pytest.raises(APITimeoutError) as caught:
            clerk.send(GET_USER, User, path={"user_id": "user_1"}, timeout_ms=200, retries=None)
    finally:
        busy.join(10)

    assert caught.value.request_sent is False
    assert server.requests_to("GET", "/v1/users/user_1") == []


async def test_an_async_wait_for_a_pooled_connection_that_times_out_was_not_sent(
    server: ScriptedServer,
) -> None:
    server.script("GET", "/v1/users/slow", SLOW)
    async with clerk_async.Clerk(
        bearer_auth=SECRET_KEY, server_url=server.url, max_connections=1
    ) as clerk:
        busy = asyncio.create_task(clerk.send(GET_USER, User, path={"user_id": "slow"}))
        while not server.requests_to("GET", "/v1/users/slow"):
            await asyncio.sleep(0.01)
        with pytest.raises(APITimeoutError) as caught:
            await clerk.send(
                GET_USER, User, path={"user_id": "user_1"}, timeout_ms=200, retries=None
            )
        await busy

    assert caught.value.request_sent is False


def test_http_clients_of_the_wrong_kind_are_named() -> None:
    with pytest.raises(
        TypeError, match=r"PoolManager, not HTTPConnectionPool \(a pool of one host"
    ):
        clerk_sync.Clerk(bearer_auth=SECRET_KEY, http_client=urllib3.HTTPConnectionPool("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"ClientSession, not PoolManager \(clerk_sync.Clerk takes"):
        clerk_async.Clerk(bearer_auth=SECRET_KEY, http_client=urllib3.PoolManager())  # type: ignore[arg-type]
    proxy = urllib3.ProxyManager("http://proxy.example:3128")
    assert clerk_sync.Clerk(bearer_auth=SECRET_KEY, http_client=proxy)


async def test_an_aiohttp_session_for_the_sync_client_and_closed_sessions_are_named(
    server: ScriptedServer,
) -> None:
    session = aiohttp.ClientSession()
    with pytest.raises(TypeError, match=r"clerk_async.Clerk takes an aiohttp.ClientSession"):
        clerk_sync.Clerk(bearer_auth=SECRET_KEY, http_client=session)  # type: ignore[arg-type]
    clerk = clerk_async.Clerk(bearer_auth=SECRET_KEY, server_url=server.url, http_client=session)
    await session.close()
    with pytest.raises(
        ValueError, match=r"http_client: the aiohttp\.ClientSession passed to Clerk is closed"
    ):
        await clerk.send(GET_USER, User, path={"user_id": "user_1"})
    with pytest.raises(ValueError, match="already closed"):
        clerk_async.Clerk(bearer_auth=SECRET_KEY, http_client=session)
    assert server.received == []
