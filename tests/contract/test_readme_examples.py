"""The seed SDK's README examples, with only the import changed, run against a local server.

The default server (and ``server_idx=0``) point at the local server for these tests, so the
examples read exactly as a user would write them against Clerk.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from clerk_async import _config
from clerk_async.emulator.samples import sample
from clerk_async.models import Client, EmailAddress, User
from tests.support.server import Reply, ScriptedServer, clerk_error

BEARER = "sk_test_readme_example_0123456789"


@pytest.fixture
def clerk_server(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(_config, "DEFAULT_SERVER_URL", server.url)
    monkeypatch.setattr(_config, "SERVERS", (server.url,))
    server.script(
        "GET", "/v1/email_addresses/email_address_id_example", Reply(json=sample(EmailAddress))
    )
    server.script("GET", "/v1/public/interstitial", Reply(204))
    server.script("POST", "/v1/users/usr_test123/profile_image", Reply(json=sample(User)))
    yield server.url


@pytest.fixture
def example_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "example.file"
    path.write_bytes(b"\x89PNG example")
    return path


def test_sdk_example_usage_sync(clerk_server: str) -> None:
    from clerk_sync import Clerk

    with Clerk(
        bearer_auth=BEARER,
    ) as clerk:
        res = clerk.email_addresses.get(email_address_id="email_address_id_example")

        assert res is not None

        # Handle response
        print(res)


async def test_sdk_example_usage_async(clerk_server: str) -> None:
    from clerk_async import Clerk

    async with Clerk(
        bearer_auth=BEARER,
    ) as clerk:
        res = await clerk.email_addresses.get(email_address_id="email_address_id_example")

        assert res is not None

        # Handle response
        print(res)


def test_public_interstitial(clerk_server: str, server: ScriptedServer) -> None:
    from clerk_sync import Clerk

    with Clerk(
        bearer_auth=BEARER,
    ) as clerk:
        clerk.misc.get_public_interstitial(
            frontend_api="frontend-api_1a2b3c4d", publishable_key="pub_1a2b3c4d"
        )

    assert (
        server.received[0].query
        == "frontend_api=frontend-api_1a2b3c4d&publishable_key=pub_1a2b3c4d"
    )


def test_file_upload(clerk_server: str, server: ScriptedServer, example_file: Path) -> None:
    from clerk_sync import Clerk

    with (
        Clerk(
            bearer_auth=BEARER,
        ) as clerk,
        open("example.file", "rb") as content,
    ):
        res = clerk.users.set_profile_image(
            user_id="usr_test123",
            file={
                "file_name": "example.file",
                "content": content,
            },
        )

        assert res is not None

    body = server.received[0].body
    assert b'filename="example.file"' in body and b"\x89PNG example" in body


async def test_file_upload_async(clerk_server: str, example_file: Path) -> None:
    from clerk_async import Clerk

    async with Clerk(bearer_auth=BEARER) as clerk:
        with open("example.file", "rb") as content:
            res = await clerk.users.set_profile_image(
                user_id="usr_test123", file={"file_name": "example.file", "content": content}
            )

    assert isinstance(res, User)


def test_retries_per_call(clerk_server: str, server: ScriptedServer) -> None:
    from clerk_sync import BackoffStrategy, Clerk, RetryConfig

    server.script("GET", "/v1/public/interstitial", Reply(503), Reply(204))

    with Clerk(
        bearer_auth=BEARER,
    ) as clerk:
        clerk.misc.get_public_interstitial(
            frontend_api="frontend-api_1a2b3c4d",
            publishable_key="pub_1a2b3c4d",
            retries=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False),
        )

    assert len(server.received) == 2


async def test_retries_per_client(clerk_server: str, server: ScriptedServer) -> None:
    from clerk_async import BackoffStrategy, Clerk, RetryConfig

    server.script("GET", "/v1/public/interstitial", Reply(503), Reply(204))

    async with Clerk(
        bearer_auth=BEARER,
        retry_config=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False),
    ) as clerk:
        await clerk.misc.get_public_interstitial(
            frontend_api="frontend-api_1a2b3c4d", publishable_key="pub_1a2b3c4d"
        )

    assert len(server.received) == 2


def test_error_handling(clerk_server: str, server: ScriptedServer) -> None:
    from clerk_sync import Clerk, models

    server.script(
        "POST",
        "/v1/clients/verify",
        clerk_error(422, "form_param_missing", "token must be included"),
    )
    handled = []

    with Clerk(
        bearer_auth=BEARER,
    ) as clerk:
        res = None
        try:
            res = clerk.clients.verify(token="jwt_token_example")

            assert res is not None

            # Handle response
            print(res)

        except models.ClerkErrors as e:
            # handle e.data: models.ClerkErrorsData
            handled.append(e.data.errors[0].code)
        except models.SDKError:
            # handle exception
            raise

    assert handled == ["form_param_missing"]


async def test_error_handling_async(clerk_server: str, server: ScriptedServer) -> None:
    from clerk_async import Clerk, models

    server.script("GET", "/v1/clients/client_1", clerk_error(404, "resource_not_found", "nope"))

    async with Clerk(bearer_auth=BEARER) as clerk:
        with pytest.raises(models.SDKError) as caught:
            await clerk.clients.get(client_id="client_1")

    assert not isinstance(caught.value, models.ClerkErrors)
    assert caught.value.status_code == 404
    assert caught.value.data.errors[0].code == "resource_not_found"


def test_server_selection(clerk_server: str, server: ScriptedServer) -> None:
    from clerk_sync import Clerk

    server.script("GET", "/v1/clients/client_1", Reply(json=sample(Client)))

    with Clerk(
        server_idx=0,
        bearer_auth=BEARER,
    ) as clerk:
        assert clerk.clients.get(client_id="client_1") is not None

    with Clerk(
        server_url=clerk_server,
        bearer_auth=BEARER,
    ) as clerk:
        assert clerk.clients.get(client_id="client_1") is not None

    assert len(server.received) == 2


def test_debug_logging(clerk_server: str, caplog: pytest.LogCaptureFixture) -> None:
    from clerk_sync import Clerk

    caplog.set_level(logging.DEBUG, logger="clerk_example")
    clerk = Clerk(bearer_auth=BEARER, debug_logger=logging.getLogger("clerk_example"))
    with clerk:
        clerk.email_addresses.get(email_address_id="email_address_id_example")

    assert any("/email_addresses/email_address_id_example -> 200" in m for m in caplog.messages)
    assert all(BEARER not in m for m in caplog.messages)
