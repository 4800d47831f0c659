"""The aiohttp transport and the async pipeline around it, with aiohttp stubbed by aioresponses."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aioresponses import aioresponses

from clerk_async import (
    APIConnectionError,
    APITimeoutError,
    BackoffStrategy,
    Clerk,
    RateLimitError,
    RetryConfig,
    SDKError,
)
from tests.support.mock_aiohttp import mocked
from tests.support.ops import CREATE_USER, GET_USER, CreateUserBody, User, json_body

__all__ = ["mocked"]  # the fixture

BASE = "https://api.example.test/v1"
USER_URL = re.compile(r"^https://api\.example\.test/v1/users/user_1$")
FAST = RetryConfig("backoff", BackoffStrategy(1, 2, 2.0, 5_000))


@pytest.fixture
async def clerk() -> AsyncIterator[Clerk]:
    async with Clerk(bearer_auth="sk_test_unit", server_url=BASE, retry_config=FAST) as client:
        yield client


def sent_requests(mocked: aioresponses, method: str) -> list[object]:
    return [
        call for (verb, _url), calls in mocked.requests.items() if verb == method for call in calls
    ]


async def test_sends_headers_and_body_and_decodes(mocked: aioresponses, clerk: Clerk) -> None:
    mocked.post(f"{BASE}/users", status=200, payload={"id": "user_9", "first_name": "Ada"})

    user = await clerk.send(
        CREATE_USER, User, body=json_body(CreateUserBody, {"first_name": "Ada"})
    )

    assert user == User(id="user_9", first_name="Ada")
    (call,) = sent_requests(mocked, "POST")
    kwargs = call.kwargs  # type: ignore[attr-defined]
    assert kwargs["headers"]["Authorization"] == "Bearer sk_test_unit"
    assert kwargs["headers"]["Content-Type"] == "application/json"
    assert kwargs["data"] == b'{"first_name":"Ada"}'
    assert kwargs["allow_redirects"] is False


async def test_a_redirect_is_not_followed(mocked: aioresponses, clerk: Clerk) -> None:
    mocked.get(USER_URL, status=302, headers={"Location": "https://elsewhere.test/"})

    with pytest.raises(SDKError) as caught:
        await clerk.send(GET_USER, User, path={"user_id": "user_1"})

    assert caught.value.status_code == 302


async def test_refused_connection_is_marked_not_sent(mocked: aioresponses, clerk: Clerk) -> None:
    refused = aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("h", 443, True, True, None, None, None),
        OSError(111, "Connection refused"),
    )
    mocked.post(f"{BASE}/users", exception=refused, repeat=True)

    with pytest.raises(APIConnectionError) as caught:
        await clerk.send(CREATE_USER, User, body=json_body(CreateUserBody, {}))

    assert caught.value.request_sent is False
    assert len(sent_requests(mocked, "POST")) == 4  # a POST that never left is retried


async def test_server_disconnect_on_post_is_not_retried(mocked: aioresponses, clerk: Clerk) -> None:
    mocked.post(f"{BASE}/users", exception=aiohttp.ServerDisconnectedError(), repeat=True)

    with pytest.raises(APIConnectionError) as caught:
        await clerk.send(CREATE_USER, User, body=json_body(CreateUserBody, {}))

    assert caught.value.request_sent is True
    assert len(sent_requests(mocked, "POST")) == 1


async def test_timeout_maps_to_api_timeout_error(mocked: aioresponses, clerk: Clerk) -> None:
    mocked.get(USER_URL, exception=asyncio.TimeoutError(), repeat=True)

    with pytest.raises(APITimeoutError) as caught:
        await clerk.send(GET_USER, User, path={"user_id": "user_1"})

    assert caught.value.request_sent is True
    assert len(sent_requests(mocked, "GET")) == 4


async def test_connect_timeout_is_marked_not_sent(mocked: aioresponses, clerk: Clerk) -> None:
    mocked.post(f"{BASE}/users", exception=aiohttp.ConnectionTimeoutError(), repeat=True)

    with pytest.raises(APITimeoutError) as caught:
        await clerk.send(CREATE_USER, User, body=json_body(CreateUserBody, {}), retries=None)

    assert caught.value.request_sent is False


async def test_rate_limit_error_carries_retry_after(mocked: aioresponses, clerk: Clerk) -> None:
    mocked.get(USER_URL, status=429, headers={"Retry-After": "120"}, payload={"errors": []})

    with pytest.raises(RateLimitError) as caught:
        await clerk.send(GET_USER, User, path={"user_id": "user_1"})

    assert caught.value.retry_after == 120.0
    assert "retry after 120 s" in str(caught.value)
