"""User code calling generated methods, type-checked by mypy (strict) and run against a server.

``assert_type`` fails type checking, not at runtime: mypy proves the types flow from the generated
signatures to the caller; pytest proves the same code runs.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

import clerk_async
import clerk_sync
from clerk_async import UNSET, Page, RetryConfig
from clerk_async.models import (
    DeletedObject,
    EmailAddress,
    Organization,
    OrganizationInvitation,
    SessionToken,
    User,
)
from clerk_sync.models import Client
from tests.contract.server import ContractServer
from tests.support.server import SECRET_KEY

if TYPE_CHECKING:  # mypy's bundled stubs, so that it checks these under Python 3.10 too
    from typing_extensions import assert_type
else:  # typing.assert_type (Python 3.11+) at runtime: it returns its argument
    assert_type = getattr(typing, "assert_type", lambda value, _type: value)


@pytest.fixture(scope="module")
def contract() -> Iterator[ContractServer]:
    server = ContractServer().start()
    server.reset(nulls=False, extra_fields=True)
    yield server
    server.stop()


async def async_user_code(clerk: clerk_async.Clerk) -> None:
    user = await clerk.users.get("user_1")
    assert_type(user, User)
    assert_type(user.first_name, str | None)
    assert_type(user.public_metadata, dict[str, Any])

    page = await clerk.users.list(limit=10, email_address=["a@example.com"], order_by="-created_at")
    assert_type(page, clerk_async.AsyncPage[User])
    assert isinstance(page, Page)
    assert_type(page.total_count, int | None)
    for item in page:
        assert_type(item, User)
    assert_type(await page.next(), clerk_async.AsyncPage[User] | None)
    assert_type(await clerk.users.list(request={"limit": 10}), clerk_async.AsyncPage[User])
    created_email = await clerk.email_addresses.create(
        request={"user_id": "u", "email_address": "a@example.com"}
    )
    assert_type(created_email, EmailAddress)
    assert_type(user.to_dict(), dict[str, Any])
    assert_type(page.to_json(), str)

    created = await clerk.users.create(email_address=["a@example.com"], first_name=None)
    assert_type(created, User)
    assert_type(await clerk.users.delete("user_1"), DeletedObject)
    assert_type(await clerk.email_addresses.get(email_address_id="idn_1"), EmailAddress)
    await clerk.misc.get_public_interstitial(frontend_api="x")  # returns None
    token = await clerk.sessions.create_token("sess_1", expires_in_seconds=60)
    assert_type(token, SessionToken)

    invitations = await clerk.organization_invitations.create_bulk(
        "org_1", request_body=[{"email_address": "a@example.com", "role": "org:member"}]
    )
    assert_type(invitations.data, list[OrganizationInvitation])
    assert_type(
        await clerk.organizations.get("org_1", retries=RetryConfig("none", None, False)),
        Organization,
    )
    assert_type(await clerk.organizations.update("org_1", name=UNSET), Organization)

    async for each in clerk.paginate(clerk.organizations.list, page_size=50, query="acme"):
        assert_type(each, Organization)
        break


def sync_user_code(clerk: clerk_sync.Clerk) -> None:
    assert_type(clerk.users.get("user_1"), User)
    page = clerk.users.list(limit=10)
    assert_type(page, clerk_sync.SyncPage[User])
    assert_type(page.next(), clerk_sync.SyncPage[User] | None)
    with pytest.warns(DeprecationWarning):
        assert_type(clerk.clients.list(limit=1), clerk_sync.SyncPage[Client])
    for user in clerk.paginate(clerk.users.list, page_size=1, order_by="created_at"):
        assert_type(user, User)
        break
    image = clerk.users.set_profile_image(
        "user_1", file={"file_name": "me.png", "content": b"\x89PNG"}
    )
    assert_type(image, User)


async def test_async_user_code_runs(contract: ContractServer) -> None:
    async with clerk_async.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url) as clerk:
        await async_user_code(clerk)


def test_sync_user_code_runs(contract: ContractServer) -> None:
    with clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url) as clerk:
        sync_user_code(clerk)
