"""Every non-2xx status maps to its error class, with Clerk's error body parsed."""

from __future__ import annotations

import pickle

import pytest

from clerk_async import (
    AuthenticationError,
    BadRequestError,
    Clerk,
    ClerkErrors,
    ConflictError,
    GoneError,
    InternalServerError,
    LockedError,
    NotFoundError,
    PayloadTooLargeError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    SDKError,
    UnprocessableEntityError,
    models,
)
from tests.support.ops import GET_USER, User
from tests.support.server import Reply, ScriptedServer, clerk_error

STATUS_CLASSES = [
    (400, BadRequestError, True),
    (401, AuthenticationError, True),
    (402, PaymentRequiredError, False),
    (403, PermissionDeniedError, False),
    (404, NotFoundError, False),
    (409, ConflictError, False),
    (410, GoneError, True),
    (413, PayloadTooLargeError, False),
    (422, UnprocessableEntityError, True),
    (423, LockedError, False),
    (429, RateLimitError, False),
    (500, InternalServerError, False),
    (501, InternalServerError, False),
    (599, InternalServerError, False),
]


@pytest.mark.parametrize(("status", "error_class", "is_clerk_errors"), STATUS_CLASSES)
async def test_status_maps_to_its_error_class(
    client: Clerk,
    server: ScriptedServer,
    status: int,
    error_class: type[SDKError],
    is_clerk_errors: bool,
) -> None:
    reply = clerk_error(status, "some_code", "Something went wrong", trace=f"trace_{status}")
    server.script("GET", "/v1/users/user_1", reply)

    with pytest.raises(SDKError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"}, retries=None)

    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, ClerkErrors) is is_clerk_errors
    assert isinstance(error, models.SDKError)
    assert error.status_code == status
    assert error.clerk_trace_id == f"trace_{status}"
    assert [(e.code, e.message, e.long_message) for e in error.errors] == [
        ("some_code", "Something went wrong", "Something went wrong.")
    ]
    assert error.code == "some_code"
    assert error.data.errors == error.errors
    assert error.headers["content-type"] == "application/json"
    assert f"trace_{status}" in str(error)
    assert "Something went wrong" in str(error)
    assert '"errors"' in error.body


async def test_unlisted_status_is_a_plain_sdk_error(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", Reply(418, body=b"short and stout"))

    with pytest.raises(SDKError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert type(caught.value) is SDKError
    assert caught.value.errors == []
    assert caught.value.body == "short and stout"
    assert "short and stout" in str(caught.value)


async def test_error_survives_pickling(client: Clerk, server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", clerk_error(404, "resource_not_found", "Not found"))

    with pytest.raises(NotFoundError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is NotFoundError
    assert copy.status_code == 404
    assert copy.code == "resource_not_found"
    assert str(copy) == str(caught.value)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, body=b"<html>proxy error</html>", headers={"Content-Type": "text/html"}),
        Reply(200, body=b'{"id": "user_1", "first_na'),
        Reply(200, json={"first_name": "no id"}),
        Reply(200, body=b""),
    ],
    ids=["html", "truncated", "missing-field", "empty"],
)
async def test_undecodable_success_body_raises_response_validation_error(
    client: Clerk, server: ScriptedServer, reply: Reply
) -> None:
    server.script("GET", "/v1/users/user_1", reply)

    with pytest.raises(ResponseValidationError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert caught.value.status_code == 200
    assert caught.value.raw_body == reply.render()[0]


async def test_deeply_nested_bodies_raise_the_documented_errors(
    client: Clerk, server: ScriptedServer
) -> None:
    deep = '{"a":[' * 2_000 + "1" + "]}" * 2_000  # 24 KB
    server.script(
        "GET",
        "/v1/users/user_1",
        Reply(200, body=f'{{"id": "user_1", "public_metadata": {deep}}}'.encode()),
        Reply(400, body=f'{{"errors": [], "meta": {deep}}}'.encode()),
    )

    with pytest.raises(ResponseValidationError, match="nested too deeply"):
        await client.send(GET_USER, User, path={"user_id": "user_1"})
    with pytest.raises(BadRequestError) as caught:
        await client.send(GET_USER, User, path={"user_id": "user_1"})
    assert caught.value.errors == [] and caught.value.meta is None


async def test_unknown_response_fields_are_ignored(client: Clerk, server: ScriptedServer) -> None:
    body = {"id": "user_1", "first_name": "Ada", "brand_new_field": {"nested": [1, 2]}}
    server.script("GET", "/v1/users/user_1", Reply(200, json=body))

    user = await client.send(GET_USER, User, path={"user_id": "user_1"})

    assert user == User(id="user_1", first_name="Ada")
