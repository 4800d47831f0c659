"""Configuration, lifecycle, custom HTTP clients, logging, and pagination."""

from __future__ import annotations

import logging

import pytest

from clerk_async import (
    APIConnectionError,
    BackoffStrategy,
    Clerk,
    MissingSecretKeyError,
    NotFoundError,
    Page,
    RetryConfig,
)
from tests.support.flavour_async import (
    close_http_client,
    http_client_failing_with_headers,
    http_client_is_open,
    list_method,
    own_http_client,
)
from tests.support.ops import GET_USER, LIST_ORGS, LIST_USERS, User
from tests.support.server import SECRET_KEY, Reply, ScriptedServer, clerk_error

OK = Reply(200, json={"id": "user_1"})


async def test_secret_key_comes_from_the_environment(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_SECRET_KEY", "sk_test_from_env")
    server.script("GET", "/v1/users/user_1", OK)

    async with Clerk(server_url=server.url) as clerk:
        await clerk.send(GET_USER, User, path={"user_id": "user_1"})

    assert server.received[0].headers["Authorization"] == "Bearer sk_test_from_env"


async def test_missing_secret_key_is_reported_at_the_first_call(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)

    async with Clerk(server_url=server.url) as clerk:
        with pytest.raises(MissingSecretKeyError, match="CLERK_SECRET_KEY"):
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})

    assert server.received == []


async def test_own_http_client_is_used_and_left_open(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", OK)
    http_client = own_http_client()
    try:
        async with Clerk(
            bearer_auth=SECRET_KEY, server_url=server.url, http_client=http_client
        ) as clerk:
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})

        assert http_client_is_open(http_client)
        async with Clerk(
            bearer_auth=SECRET_KEY, server_url=server.url, http_client=http_client
        ) as clerk:
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})
    finally:
        await close_http_client(http_client)

    assert len(server.received) == 2


async def test_secret_key_never_appears_in_logs_errors_or_reprs(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.script("GET", "/v1/users/user_1", Reply(503), clerk_error(404, "not_found", "gone"))
    retry = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 5_000))
    logger = logging.getLogger("test.clerk")

    async with Clerk(
        bearer_auth=SECRET_KEY, server_url=server.url, retry_config=retry, debug_logger=logger
    ) as clerk:
        with pytest.raises(NotFoundError) as caught:
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})
        shown = [repr(clerk), str(clerk), repr(clerk._config)]

    logged = caplog.text
    assert "GET " in logged and "-> 503" in logged and "retrying GET" in logged
    assert SECRET_KEY not in logged
    error = caught.value
    shown += [str(error), repr(error), repr(error.__dict__), repr(error.__cause__)]
    assert not [text for text in shown if SECRET_KEY in text]


async def test_a_transport_error_quoting_the_request_headers_never_shows_the_key(
    server: ScriptedServer,
) -> None:
    http_client = http_client_failing_with_headers()
    try:
        async with Clerk(
            bearer_auth=SECRET_KEY,
            server_url=server.url,
            http_client=http_client,
            retry_config=RetryConfig("none"),
        ) as clerk:
            with pytest.raises(APIConnectionError) as caught:
                await clerk.send(GET_USER, User, path={"user_id": "user_1"})
    finally:
        await close_http_client(http_client)

    error = caught.value
    assert error.reason is not None and "refused by a test" in error.reason
    assert "<Authorization>" in error.reason  # the header was there, and was blanked out
    shown = [str(error), repr(error), error.reason, repr(error.__dict__)]
    shown += [repr(error.__cause__), repr(error.__context__)]
    assert not [text for text in shown if SECRET_KEY in text]


async def test_debug_logger_records_method_url_status_and_time(
    client: Clerk, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="clerk")
    server.script("GET", "/v1/users/user_1", OK)

    await client.send(GET_USER, User, path={"user_id": "user_1"})

    messages = [r.getMessage() for r in caplog.records if r.name == "clerk"]
    assert len(messages) == 1
    assert messages[0].startswith(f"GET {server.url}/users/user_1 -> 200 in ")
    assert messages[0].endswith(" ms")


def _users(start: int, count: int) -> list[dict[str, str]]:
    return [{"id": f"user_{i}"} for i in range(start, start + count)]


async def test_paginate_walks_bare_arrays_until_a_short_page(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script(
        "GET",
        "/v1/users",
        Reply(200, json=_users(0, 3)),
        Reply(200, json=_users(3, 3)),
        Reply(200, json=_users(6, 1)),
    )
    list_users = list_method(client, LIST_USERS)

    ids = [user.id async for user in client.paginate(list_users, page_size=3, banned=True)]

    assert ids == [f"user_{i}" for i in range(7)]
    assert [r.query for r in server.received] == [
        "limit=3&offset=0&banned=true",
        "limit=3&offset=3&banned=true",
        "limit=3&offset=6&banned=true",
    ]


async def test_paginate_stops_at_total_count(client: Clerk, server: ScriptedServer) -> None:
    server.script(
        "GET",
        "/v1/organizations",
        Reply(200, json={"data": _users(0, 2), "total_count": 4}),
        Reply(200, json={"data": _users(2, 2), "total_count": 4}),
        Reply(500),
    )
    list_orgs = list_method(client, LIST_ORGS)

    ids = [item.id async for item in client.paginate(list_orgs, page_size=2)]

    assert ids == ["user_0", "user_1", "user_2", "user_3"]
    assert len(server.received) == 2


async def test_a_page_has_its_items_and_total_count(client: Clerk, server: ScriptedServer) -> None:
    server.script(
        "GET", "/v1/organizations", Reply(200, json={"data": _users(0, 2), "total_count": 9})
    )

    page = await client.send_page(LIST_ORGS, User, query={"limit": 2})

    assert isinstance(page, Page)
    assert [user.id for user in page] == ["user_0", "user_1"]
    assert page[1].id == "user_1"
    assert len(page) == 2
    assert page.total_count == 9


async def test_paginate_stops_on_an_empty_first_page(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users", Reply(200, json=[]))

    items = [user async for user in client.paginate(list_method(client, LIST_USERS))]

    assert items == []
    assert len(server.received) == 1


async def test_paginate_rejects_a_bad_page_size(client: Clerk) -> None:
    with pytest.raises(ValueError, match="page_size"):
        async for _ in client.paginate(list_method(client, LIST_USERS), page_size=501):
            pass
