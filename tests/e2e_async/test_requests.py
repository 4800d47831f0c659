"""What goes over the wire: URL, query, headers and bodies."""

from __future__ import annotations

import email.parser
import email.policy
import io
import json
import platform
from urllib.parse import parse_qsl

import pytest

from clerk_async import UNSET, Clerk, RequestValidationError, __version__
from clerk_async._transport import TRANSPORT_NAME
from tests.support.ops import (
    CREATE_USER,
    GET_USER,
    LIST_USERS,
    SET_PROFILE_IMAGE,
    UPDATE_USER,
    CreateUserBody,
    Operation,
    User,
    json_body,
    multipart_body,
)
from tests.support.server import SECRET_KEY, Reply, ScriptedServer

OK = Reply(200, json={"id": "user_1"})


async def test_every_request_carries_auth_version_agent_and_accept(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users/user_1", OK)

    await client.send(GET_USER, User, path={"user_id": "user_1"})

    headers = server.received[0].headers
    assert headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert headers["Clerk-API-Version"] == "2026-05-12"
    assert headers["Accept"] == "application/json"
    agent = headers["User-Agent"]
    package = Clerk.__module__.partition(".")[0]
    assert agent.startswith(f"clerk-client/{__version__} ({package};")
    assert f"/{platform.python_version()}" in agent
    assert f"{TRANSPORT_NAME}/" in agent


async def test_api_version_can_be_chosen(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", OK)

    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url, api_version="2025-04-10") as c:
        await c.send(GET_USER, User, path={"user_id": "user_1"})

    assert server.received[0].headers["Clerk-API-Version"] == "2025-04-10"


@pytest.mark.parametrize(
    ("user_id", "raw_path"),
    [
        ("../admin", "/v1/users/..%2Fadmin"),
        ("a/b?c=d#e", "/v1/users/a%2Fb%3Fc%3Dd%23e"),
        ("user 1%", "/v1/users/user%201%25"),
        ("ünï", "/v1/users/%C3%BCn%C3%AF"),
    ],
)
async def test_hostile_path_parameters_stay_in_their_segment(
    client: Clerk, server: ScriptedServer, user_id: str, raw_path: str
) -> None:
    server.script("GET", raw_path, OK)

    await client.send(GET_USER, User, path={"user_id": user_id})

    assert [(r.path, r.query) for r in server.received] == [(raw_path, "")]


@pytest.mark.parametrize("user_id", ["", ".", "..", None, 3.5])
async def test_unusable_path_parameters_are_rejected_before_sending(
    client: Clerk, server: ScriptedServer, user_id: object
) -> None:
    with pytest.raises(RequestValidationError, match="user_id"):
        await client.send(GET_USER, User, path={"user_id": user_id})

    assert server.received == []


async def test_query_arrays_explode_and_booleans_are_lowercase(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users", Reply(200, json=[]))

    await client.send_page(
        LIST_USERS,
        User,
        query={
            "email_address": ["a@example.com", "b+c@example.com"],
            "banned": False,
            "limit": 10,
            "query": UNSET,
            "order_by": None,
        },
    )

    assert parse_qsl(server.received[0].query, strict_parsing=True) == [
        ("email_address", "a@example.com"),
        ("email_address", "b+c@example.com"),
        ("banned", "false"),
        ("limit", "10"),
    ]


async def test_json_body_sends_null_for_none_and_omits_unset(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("PATCH", "/v1/users/user_1", OK)
    body = json_body(CreateUserBody, {"first_name": None, "email_address": UNSET})

    await client.send(UPDATE_USER, User, path={"user_id": "user_1"}, body=body)

    request = server.received[0]
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"first_name": None}


async def test_bad_body_types_are_rejected_naming_the_field(
    client: Clerk, server: ScriptedServer
) -> None:
    with pytest.raises(RequestValidationError, match="email_address"):
        json_body(CreateUserBody, {"email_address": "not-a-list"})
    with pytest.raises(RequestValidationError, match="surname"):
        json_body(CreateUserBody, {"surname": "Lovelace"})

    assert server.received == []


async def test_extra_headers_are_sent_but_cannot_replace_auth(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("POST", "/v1/users", OK)

    await client.send(
        CREATE_USER,
        User,
        body=json_body(CreateUserBody, {"first_name": "Ada"}),
        http_headers={"X-Request-Id": "req-42"},
    )
    with pytest.raises(RequestValidationError, match="Authorization"):
        await client.send(
            GET_USER, User, path={"user_id": "u"}, http_headers={"Authorization": "Bearer other"}
        )

    assert server.received[0].headers["X-Request-Id"] == "req-42"
    assert len(server.received) == 1


async def test_per_call_server_url_overrides_the_clients(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v2/users/user_1", OK)

    await client.send(
        GET_USER, User, path={"user_id": "user_1"}, server_url=server.url[:-3] + "/v2/"
    )

    assert server.received[0].path == "/v2/users/user_1"


def _parse_multipart(content_type: str, body: bytes) -> list[tuple[object, ...]]:
    raw = f"Content-Type: {content_type}\r\n\r\n".encode() + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]


@pytest.mark.parametrize(
    ("upload", "file_name", "content_type"),
    [
        (b"\x89PNG-bytes", "upload", "application/octet-stream"),
        ({"file_name": "me.png", "content": b"\x89PNG-bytes"}, "me.png", "image/png"),
        (
            {"file_name": "me.bin", "content": io.BytesIO(b"\x89PNG-bytes"), "content_type": "x/y"},
            "me.bin",
            "x/y",
        ),
    ],
    ids=["bytes", "mapping", "mapping-with-file"],
)
async def test_file_uploads_are_multipart(
    client: Clerk,
    server: ScriptedServer,
    upload: object,
    file_name: str,
    content_type: str,
) -> None:
    server.script("POST", "/v1/users/user_1/profile_image", OK)

    await client.send(
        SET_PROFILE_IMAGE,
        User,
        path={"user_id": "user_1"},
        body=multipart_body({"file": upload}),
    )

    request = server.received[0]
    parts = _parse_multipart(request.headers["Content-Type"], request.body)
    assert parts == [("file", file_name, content_type, b"\x89PNG-bytes")]


async def test_an_operation_with_no_response_body_returns_none(
    client: Clerk, server: ScriptedServer
) -> None:
    op = Operation(operation_id="Ping", method="DELETE", path="/ping")
    server.script("DELETE", "/v1/ping", Reply(204))

    await client.send(op, None)  # an empty body is not decoded

    assert len(server.received) == 1


async def test_a_public_operation_needs_no_secret_key(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    server.script("GET", "/v1/public/interstitial", Reply(200, body=b"<html></html>"))

    async with Clerk(server_url=server.url) as clerk:
        await clerk.misc.get_public_interstitial(frontend_api="example.clerk.accounts.dev")

    (request,) = server.received
    assert "Authorization" not in request.headers
    assert request.headers["Clerk-API-Version"] == "2026-05-12"
    assert request.query == "frontend_api=example.clerk.accounts.dev"
