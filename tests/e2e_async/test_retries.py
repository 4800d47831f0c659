"""Which faults are retried, how often, and how long the client waits."""

from __future__ import annotations

import logging
import time

import pytest

from clerk_async import (
    APIConnectionError,
    APITimeoutError,
    BackoffStrategy,
    Clerk,
    InternalServerError,
    RateLimitError,
    RetryConfig,
)
from tests.support.ops import (
    CREATE_USER,
    DELETE_USER,
    GET_USER,
    UPDATE_USER,
    CreateUserBody,
    EncodedBody,
    User,
    json_body,
)
from tests.support.server import SECRET_KEY, Reply, ScriptedServer, clerk_error, unused_port

from .conftest import FAST_RETRY

OK = Reply(200, json={"id": "user_1"})


def new_user_body() -> EncodedBody:
    return json_body(CreateUserBody, {"first_name": "Ada"})


async def test_get_is_retried_on_503(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(503), OK)

    user = await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert user.id == "user_1"
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 2


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_delete_is_retried_on_gateway_errors(
    client: Clerk, server: ScriptedServer, status: int
) -> None:
    server.script("DELETE", "/v1/users/user_1", Reply(status), OK)

    await client.send(DELETE_USER, User, path={"user_id": "user_1"})

    assert len(server.requests_to("DELETE", "/v1/users/user_1")) == 2


async def test_post_is_not_retried_on_500(client: Clerk, server: ScriptedServer) -> None:
    server.script("POST", "/v1/users", clerk_error(500, "internal", "boom"), OK)

    with pytest.raises(InternalServerError):
        await client.send(CREATE_USER, User, body=new_user_body())

    assert len(server.requests_to("POST", "/v1/users")) == 1


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_post_and_patch_are_not_retried_on_gateway_errors(
    client: Clerk, server: ScriptedServer, status: int
) -> None:
    server.script("POST", "/v1/users", Reply(status), OK)
    server.script("PATCH", "/v1/users/user_1", Reply(status), OK)

    with pytest.raises(InternalServerError):
        await client.send(CREATE_USER, User, body=new_user_body())
    with pytest.raises(InternalServerError):
        await client.send(UPDATE_USER, User, path={"user_id": "user_1"}, body=new_user_body())

    assert len(server.requests_to("POST", "/v1/users")) == 1
    assert len(server.requests_to("PATCH", "/v1/users/user_1")) == 1


async def test_get_500_is_not_retried(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(500), OK)

    with pytest.raises(InternalServerError):
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 1


async def test_429_waits_for_retry_after_then_retries_a_post(
    client: Clerk, server: ScriptedServer
) -> None:
    limited = clerk_error(429, "too_many_requests", "Slow down")
    server.script(
        "POST", "/v1/users", Reply(429, json=limited.json, headers={"Retry-After": "1"}), OK
    )

    started = time.monotonic()
    user = await client.send(CREATE_USER, User, body=new_user_body())
    waited = time.monotonic() - started

    assert user.id == "user_1"
    assert len(server.requests_to("POST", "/v1/users")) == 2
    assert waited >= 1.0  # Retry-After is honoured, not the 10 ms backoff


async def test_429_with_an_http_date_is_honoured(client: Clerk, server: ScriptedServer) -> None:
    server.script(
        "GET",
        "/v1/users/user_1",
        Reply(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        OK,
    )

    await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 2


async def test_429_asking_for_too_long_a_wait_is_raised_at_once(
    client: Clerk, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="clerk")
    server.script("GET", "/v1/users/user_1", Reply(429, headers={"Retry-After": "3600"}), OK)

    with pytest.raises(RateLimitError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert caught.value.retry_after == 3600
    assert not [r for r in caplog.records if r.getMessage().startswith("retrying")]  # no wait
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 1


async def test_retries_stop_after_max_retries(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(503))

    with pytest.raises(InternalServerError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert caught.value.status_code == 503
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 4


async def test_retries_stop_at_max_elapsed_time(server: ScriptedServer) -> None:
    # The second answer comes after the whole 1 s budget is spent: the third, which would
    # succeed, is never asked for.
    server.script("GET", "/v1/users/user_1", Reply(503), Reply(503, delay=1.2), OK)
    budget = RetryConfig("backoff", BackoffStrategy(10, 10, 1.0, 1_000), True, max_retries=None)

    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url, retry_config=budget) as clerk:
        with pytest.raises(InternalServerError):
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 2


async def test_retries_none_disables_retries(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(503), OK)

    with pytest.raises(InternalServerError):
        await client.send(GET_USER, User, path={"user_id": "user_1"}, retries=None)

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 1


async def test_client_level_strategy_none_disables_retries(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(503), Reply(503), OK)
    config = RetryConfig("none")

    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url, retry_config=config) as clerk:
        with pytest.raises(InternalServerError):
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})
        # a per-call config overrides the client's
        await clerk.send(GET_USER, User, path={"user_id": "user_1"}, retries=FAST_RETRY)

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 3


async def test_connection_reset_on_get_is_retried(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(action="reset"), OK)

    user = await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert user.id == "user_1"
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 2


async def test_connection_reset_on_post_is_not_retried(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("POST", "/v1/users", Reply(action="reset"), OK)

    with pytest.raises(APIConnectionError) as caught:
        await client.send(CREATE_USER, User, body=new_user_body())

    assert caught.value.request_sent is True
    assert not isinstance(caught.value, APITimeoutError)
    assert len(server.requests_to("POST", "/v1/users")) == 1


async def test_timeout_on_get_is_retried(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(200, json={"id": "user_1"}, delay=2.0), OK)

    user = await client.send(GET_USER, User, path={"user_id": "user_1"}, timeout_ms=300)

    assert user.id == "user_1"
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 2


async def test_timeout_on_post_raises_and_is_not_retried(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("POST", "/v1/users", Reply(200, json={"id": "user_1"}, delay=2.0), OK)

    # Cut at 300 ms: waited out, the call would have succeeded after 2 s.
    with pytest.raises(APITimeoutError) as caught:
        await client.send(CREATE_USER, User, body=new_user_body(), timeout_ms=300)

    assert caught.value.request_sent is True
    assert len(server.requests_to("POST", "/v1/users")) == 1


async def test_client_timeout_applies_to_every_call(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(200, json={"id": "user_1"}, delay=2.0))

    async with Clerk(
        bearer_auth=SECRET_KEY,
        server_url=server.url,
        timeout_ms=200,
        retry_config=RetryConfig("none"),
    ) as clerk:
        with pytest.raises(APITimeoutError):
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})


async def test_refused_connection_is_retried_even_for_post(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="clerk")
    url = f"http://127.0.0.1:{unused_port()}/v1"

    async with Clerk(bearer_auth=SECRET_KEY, server_url=url, retry_config=FAST_RETRY) as clerk:
        with pytest.raises(APIConnectionError) as caught:
            await clerk.send(CREATE_USER, User, body=new_user_body())

    assert caught.value.request_sent is False
    retries = [r for r in caplog.records if r.getMessage().startswith("retrying POST")]
    assert len(retries) == 3
    assert "connect failure" in retries[0].getMessage()


async def test_connection_errors_are_not_retried_when_disabled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="clerk")
    url = f"http://127.0.0.1:{unused_port()}/v1"
    no_connection_retries = RetryConfig("backoff", BackoffStrategy(10, 40, 2.0, 10_000), False)

    async with Clerk(bearer_auth=SECRET_KEY, server_url=url) as clerk:
        with pytest.raises(APIConnectionError):
            await clerk.send(
                GET_USER, User, path={"user_id": "user_1"}, retries=no_connection_retries
            )

    assert not [r for r in caplog.records if r.getMessage().startswith("retrying")]
