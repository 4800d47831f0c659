"""What the transports promise whatever the server or the user's own HTTP client does."""

from __future__ import annotations

import gzip
import pickle
from typing import Any

import pytest

from clerk_async import (
    APIConnectionError,
    APITimeoutError,
    Clerk,
    NotFoundError,
    ResponseValidationError,
    RetryConfig,
    SDKError,
    UnprocessableEntityError,
)
from tests.support.flavour_async import (
    close_http_client,
    http_client_raising_for_status,
    http_client_with_headers,
)
from tests.support.ops import CREATE_USER, GET_USER, CreateUserBody, User, json_body
from tests.support.server import SECRET_KEY, Reply, ScriptedServer, clerk_error

from .conftest import FAST_RETRY

OK = Reply(200, json={"id": "user_1"})


def everything_reachable(error: BaseException) -> list[object]:
    """The error, every exception chained from it, and all their attributes and arguments."""
    seen: list[object] = []
    stack: list[object] = [error]
    while stack:
        item = stack.pop()
        if any(item is other for other in seen) or item is None:
            continue
        seen.append(item)
        if isinstance(item, BaseException):
            stack += [item.__cause__, item.__context__, *item.args]
        if isinstance(item, (list, tuple)):
            stack += list(item)
        elif isinstance(item, dict):
            stack += list(item.values())
        elif hasattr(item, "__dict__") and not isinstance(item, type):
            stack += list(vars(item).values())
    return seen


async def test_a_body_that_trickles_in_is_cut_at_the_deadline(
    client: Clerk, server: ScriptedServer
) -> None:
    body = b'{"id": "user_1", "first_name": "' + b"x" * 40 + b'"}'
    server.script("GET", "/v1/users/user_1", Reply(200, body=body, action="trickle", trickle=0.1))

    # Each byte comes well within 500 ms, the whole body in 5.5 s: only a deadline over the
    # whole response, body included, ends this call with a timeout.
    with pytest.raises(APITimeoutError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"}, timeout_ms=500, retries=None)

    assert caught.value.request_sent


async def test_headers_of_the_users_own_client_reach_the_server_under_ours(
    server: ScriptedServer,
) -> None:
    server.script("GET", "/v1/users/user_1", OK)
    http_client = http_client_with_headers({"X-Team": "billing", "user-agent": "theirs/1.0"})
    try:
        clerk = Clerk(bearer_auth=SECRET_KEY, server_url=server.url, http_client=http_client)
        await clerk.send(GET_USER, User, path={"user_id": "user_1"})
    finally:
        await close_http_client(http_client)

    headers = server.received[0].headers
    assert headers["X-Team"] == "billing"
    assert headers.getall("User-Agent") == [headers["User-Agent"]]
    assert headers["User-Agent"].startswith("clerk-client/")


async def test_a_client_raising_for_status_still_gives_typed_errors_once(
    server: ScriptedServer,
) -> None:
    server.script("GET", "/v1/users/user_1", clerk_error(404, "resource_not_found", "no"))
    server.script("POST", "/v1/users", clerk_error(422, "form_identifier_exists", "taken"))
    http_client = http_client_raising_for_status()
    try:
        clerk = Clerk(
            bearer_auth=SECRET_KEY,
            server_url=server.url,
            http_client=http_client,
            retry_config=FAST_RETRY,
        )
        with pytest.raises(NotFoundError):
            await clerk.send(GET_USER, User, path={"user_id": "user_1"})
        with pytest.raises(UnprocessableEntityError):
            body = json_body(CreateUserBody, {"first_name": "Ada"})
            await clerk.send(CREATE_USER, User, body=body)
    finally:
        await close_http_client(http_client)

    assert len(server.requests_to("GET", "/v1/users/user_1")) == 1
    assert len(server.requests_to("POST", "/v1/users")) == 1


@pytest.mark.parametrize("action", ["garbage", "reset"])
async def test_no_exception_reachable_from_a_transport_error_holds_the_key(
    client: Clerk, server: ScriptedServer, action: Any
) -> None:
    server.script("GET", "/v1/users/user_1", Reply(action=action))

    with pytest.raises(APIConnectionError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"}, retries=None)

    error = caught.value
    assert error.reason  # what went wrong underneath is still told
    for item in everything_reachable(error):
        assert SECRET_KEY not in repr(item)
        assert SECRET_KEY not in str(item)
    assert SECRET_KEY not in repr(pickle.loads(pickle.dumps(error)).__dict__)


async def test_a_redirect_names_its_location(client: Clerk, server: ScriptedServer) -> None:
    server.script(
        "GET", "/v1/users/user_1", Reply(307, headers={"Location": "https://elsewhere.example/"})
    )

    with pytest.raises(SDKError, match=r"redirected to https://elsewhere\.example/"):
        await client.send(GET_USER, User, path={"user_id": "user_1"})


@pytest.mark.parametrize("reply", [Reply(204), Reply(200, body=b"")])
async def test_an_empty_answer_to_a_json_operation_says_so(
    client: Clerk, server: ScriptedServer, reply: Reply
) -> None:
    server.script("GET", "/v1/users/user_1", reply)

    with pytest.raises(ResponseValidationError, match="empty body"):
        await client.send(GET_USER, User, path={"user_id": "user_1"})


async def test_a_pickled_error_keeps_case_insensitive_headers(
    client: Clerk, server: ScriptedServer
) -> None:
    reply = clerk_error(404, "resource_not_found", "no")
    server.script("GET", "/v1/users/user_1", Reply(404, json=reply.json, headers={"X-Extra": "1"}))

    with pytest.raises(NotFoundError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.headers["x-extra"] == copy.headers["X-EXTRA"] == "1"
    assert copy.headers.get("Content-Type") == "application/json"


async def test_a_huge_id_makes_a_bounded_message(client: Clerk, server: ScriptedServer) -> None:
    huge = "user_" + "x" * 5_000
    server.script("GET", f"/v1/users/{huge}", clerk_error(404, "resource_not_found", "no"))

    with pytest.raises(NotFoundError) as caught:
        await client.send(GET_USER, User, path={"user_id": huge})

    assert len(str(caught.value)) < 500
    assert caught.value.url.endswith(huge)  # the attribute keeps it whole


async def test_the_client_asks_for_gzip(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", OK)

    await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert "gzip" in server.received[0].headers["Accept-Encoding"]


async def test_the_attempts_configured_are_the_attempts_made(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users/user_1", OK)
    await client.send(GET_USER, User, path={"user_id": "user_1"})  # a kept-alive connection
    server.reset()
    server.script("GET", "/v1/users/user_1", Reply(action="reset"))

    with pytest.raises(APIConnectionError):
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    # FAST_RETRY: 3 retries, so 4 attempts; no hidden resend by the HTTP library.
    assert len(server.requests_to("GET", "/v1/users/user_1")) == 4


async def test_retries_none_on_a_call_and_a_wrong_retries_value(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users/user_1", Reply(503), OK)

    with pytest.raises(SDKError):
        await client.send(GET_USER, User, path={"user_id": "user_1"}, retries=None)
    with pytest.raises(TypeError, match="retries must be a RetryConfig"):
        await client.send(GET_USER, User, path={"user_id": "user_1"}, retries="none")  # type: ignore[call-overload]
    user = await client.send(
        GET_USER, User, path={"user_id": "user_1"}, retries=RetryConfig("none")
    )
    assert user.id == "user_1"


async def test_a_gzipped_answer_is_decoded(client: Clerk, server: ScriptedServer) -> None:
    body = gzip.compress(b'{"id": "user_1", "first_name": "' + b"z" * 5_000 + b'"}')
    server.script(
        "GET", "/v1/users/user_1", Reply(200, body=body, headers={"Content-Encoding": "gzip"})
    )

    user = await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert user.first_name == "z" * 5_000
