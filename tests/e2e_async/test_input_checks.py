"""Bad input is refused before anything is sent, with an error that names what was wrong."""

from __future__ import annotations

import datetime
import decimal
import logging
import uuid
from typing import Any

import pytest

from clerk_async import Clerk, RequestValidationError
from clerk_async.models import User
from tests.support.server import SECRET_KEY, Reply, ScriptedServer
from tests.support.shared import sample

USERS = Reply(200, json=[])
USER = Reply(200, json=sample(User))


def deeply_nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"limit": "10"}, r"'limit': Expected `int`, got `str`"),
        ({"limit": 10.5}, r"'limit': Expected `int`, got `float`"),
        ({"limit": -1}, r"'limit': Expected `int` >= 1"),
        ({"limit": 10**30}, r"'limit': Expected `int` <= 500"),
        ({"limit": True}, r"'limit': Expected `int`, got `bool`"),
        ({"offset": -5}, r"'offset': Expected `int` >= 0"),
        ({"banned": "yes"}, r"'banned': Expected `bool`, got `str`"),
        ({"email_address": [1]}, r"'email_address': Expected `str`, got `int`"),
        ({"email_address": object()}, r"'email_address'"),
        ({"created_at_after": "yesterday"}, r"'created_at_after': Expected `int`"),
    ],
)
async def test_query_parameters_are_checked_like_bodies(
    client: Clerk, server: ScriptedServer, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(RequestValidationError, match=message):
        await client.users.list(**arguments)

    assert server.received == []


async def test_an_enum_query_parameter_takes_only_its_values(
    client: Clerk, server: ScriptedServer
) -> None:
    with pytest.raises(RequestValidationError, match=r"'status': Invalid enum value 'gone'"):
        await client.sessions.list(status="gone")  # type: ignore[arg-type]
    assert server.received == []


async def test_good_query_parameters_go_out_as_given(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users", USERS)

    await client.users.list(limit=500, offset=0, email_address="a@example.com", banned=False)
    await client.users.list(email_address=("a@example.com", "b@example.com"))

    first, second = server.received
    assert first.query == "email_address=a%40example.com&banned=false&limit=500&offset=0"
    assert second.query == "email_address=a%40example.com&email_address=b%40example.com"


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"x": float("nan")}, r"`public_metadata.x` nan is not a JSON number"),
        ({"x": [1, float("inf")]}, r"`public_metadata.x\[1\]` inf is not a JSON number"),
        ({"x": b"raw"}, r"`public_metadata.x` is bytes"),
        ({"x": {1, 2}}, r"`public_metadata.x` is a set"),
        ({"x": object()}, r"`public_metadata.x` is a object"),
        ({"x": "\ud800"}, r"`public_metadata.x` holds a lone surrogate"),
        ({1: "x"}, r"key 1"),
        (deeply_nested(2_000), r"nested deeper than 100 levels"),
    ],
)
async def test_metadata_that_json_cannot_carry_is_refused(
    client: Clerk, server: ScriptedServer, metadata: dict[Any, Any], message: str
) -> None:
    with pytest.raises(RequestValidationError, match=message):
        await client.users.update_metadata("user_1", public_metadata=metadata)

    assert server.received == []


async def test_a_lone_surrogate_anywhere_is_refused(client: Clerk, server: ScriptedServer) -> None:
    with pytest.raises(RequestValidationError, match=r"`first_name` holds a lone surrogate"):
        await client.users.create(first_name="Ada\udc00")
    with pytest.raises(RequestValidationError, match=r"'user_id' holds a lone surrogate"):
        await client.users.get("user_\ud800")
    with pytest.raises(RequestValidationError, match=r"'query' holds a lone surrogate"):
        await client.users.list(query="\ud800")
    assert server.received == []


async def test_dates_uuids_and_decimals_in_metadata_become_text(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("PATCH", "/v1/users/user_1/metadata", USER)
    when = datetime.datetime(2026, 12, 1, 12, 30, tzinfo=datetime.timezone.utc)
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")

    await client.users.update_metadata(
        "user_1", public_metadata={"when": when, "id": ident, "price": decimal.Decimal("9.99")}
    )

    assert server.received[0].body == (
        b'{"public_metadata":{"when":"2026-12-01T12:30:00Z",'
        b'"id":"12345678-1234-5678-1234-567812345678","price":"9.99"}}'
    )


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"retry_config": "none"}, TypeError, "retry_config must be a RetryConfig"),
        ({"debug_logger": "x"}, TypeError, "debug_logger must be a logging.Logger"),
        ({"http_client": object()}, TypeError, "http_client must be"),
        ({"api_version": 2026}, TypeError, "api_version must be a string"),
        ({"api_version": "2026"}, ValueError, "api_version must be a date"),
        ({"timeout_ms": "30"}, TypeError, "timeout_ms"),
        ({"server_url": 42}, TypeError, "server_url must be a string"),
        ({"server_idx": "0"}, TypeError, "server_idx must be an int"),
        ({"bearer_auth": 42}, TypeError, "bearer_auth must be a string"),
        ({"bearer_auth": "sk_test_é"}, ValueError, "bearer_auth must be"),
        ({"rate_limit": "fast"}, ValueError, "rate_limit"),
        ({"rate_limit": 100}, TypeError, "rate_limit"),
        ({"max_connections": 0}, ValueError, "max_connections"),
    ],
)
def test_bad_client_arguments_fail_at_construction(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        Clerk(**{"bearer_auth": SECRET_KEY, **arguments})


def test_a_logger_adapter_is_a_logger() -> None:
    adapter = logging.LoggerAdapter(logging.getLogger("app.clerk"), {"tenant": "a"})
    assert Clerk(bearer_auth=SECRET_KEY, debug_logger=adapter)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"bad name": "v"}, "'bad name' is not a header name"),
        ({"X-Ok": "line\nbreak"}, "line break"),
        ({"X-Ok": "snowman \u2603"}, "character HTTP cannot carry"),
        ({"Authorization": "Bearer other"}, "may not set 'Authorization'"),
    ],
)
async def test_bad_extra_headers_are_refused(
    client: Clerk, server: ScriptedServer, headers: dict[str, str], message: str
) -> None:
    with pytest.raises(RequestValidationError, match=message):
        await client.users.get("user_1", http_headers=headers)
    assert server.received == []
