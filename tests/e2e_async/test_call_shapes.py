"""Clerk's official SDK's call shapes and conveniences, which code moving over relies on."""

from __future__ import annotations

import json

import pytest

import clerk_async
from clerk_async import Clerk, Page
from clerk_async.models import APIKey, Organization, User
from tests.support.server import SECRET_KEY, Reply, ScriptedServer
from tests.support.shared import sample


def users(*ids: str) -> Reply:
    return Reply(200, json=[{**sample(User), "id": i} for i in ids])


async def test_request_mapping_is_the_same_call_as_keywords(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users", users("user_1"))
    server.script(
        "GET", "/v1/users/count", Reply(200, json={"object": "total_count", "total_count": 7})
    )

    by_keywords = await client.users.list(limit=5, email_address=["a@example.com"])
    by_request = await client.users.list(request={"limit": 5, "email_address": ["a@example.com"]})
    count = await client.users.count(request={"query": "ada"})

    first, second, third = server.received
    assert first.query == second.query == "email_address=a%40example.com&limit=5"
    assert [u.id for u in by_keywords] == [u.id for u in by_request] == ["user_1"]
    assert (third.query, count.total_count) == ("query=ada", 7)


async def test_request_body_mapping_and_bulk_list(client: Clerk, server: ScriptedServer) -> None:
    server.script("POST", "/v1/organizations", Reply(200, json=sample(Organization)))
    server.script("POST", "/v1/invitations/bulk", Reply(200, json=[]))

    await client.organizations.create(request={"name": "Acme", "created_by": "user_1"})
    await client.invitations.bulk_create(request=[{"email_address": "a@example.com"}])

    assert json.loads(server.received[0].body) == {"name": "Acme", "created_by": "user_1"}
    assert json.loads(server.received[1].body) == [{"email_address": "a@example.com"}]


async def test_request_takes_the_official_sdks_model(client: Clerk, server: ScriptedServer) -> None:
    from clerk_backend_api import models as official

    server.script("GET", "/v1/users", users())

    await client.users.list(request=official.GetUserListRequest(limit=3, query="ada"))

    assert server.received[0].query == "query=ada&limit=3"


async def test_request_and_keywords_together_is_a_type_error(
    client: Clerk, server: ScriptedServer
) -> None:
    with pytest.raises(TypeError, match=r"not both"):
        await client.users.list(limit=5, request={"offset": 1})
    with pytest.raises(TypeError, match=r"request= must be a mapping"):
        await client.users.list(request=["limit"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'nonsense'"):
        await client.users.list(request={"nonsense": 1})
    assert server.received == []


async def test_pages_fetch_their_next_page_with_the_same_filters(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users", users("user_1", "user_2"), users("user_3"))

    page = await client.users.list(limit=2, query="ada")
    seen = [u.id for u in page]
    following = await page.next()
    assert following is not None
    seen += [u.id for u in following]
    assert await following.Next() is None  # a short page is the last: nothing is sent

    assert seen == ["user_1", "user_2", "user_3"]
    assert [r.query for r in server.received] == [
        "query=ada&limit=2",
        "query=ada&limit=2&offset=2",
    ]


async def test_a_data_page_stops_at_its_total_count(client: Clerk, server: ScriptedServer) -> None:
    orgs = [{**sample(Organization), "id": f"org_{i}"} for i in range(2)]
    server.script("GET", "/v1/organizations", Reply(200, json={"data": orgs, "total_count": 2}))

    page = await client.organizations.list(limit=2)

    assert isinstance(page, Page)
    assert await page.next() is None
    assert len(server.received) == 1


async def test_a_fractional_total_count_decodes(client: Clerk, server: ScriptedServer) -> None:
    keys = {"data": [sample(APIKey)], "total_count": 1.5}
    server.script("GET", "/v1/api_keys", Reply(200, json=keys))

    page = await client.api_keys.get_api_keys(subject="user_" + "a" * 27)

    assert page.total_count == 2


async def test_the_key_may_come_from_a_callable_that_rotates(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users", users())
    keys = iter(["sk_test_first_key", "sk_test_second_key"])
    async with Clerk(bearer_auth=lambda: next(keys), server_url=server.url) as clerk:
        await clerk.users.list()
        await clerk.users.list()

    assert [r.headers["Authorization"] for r in server.received] == [
        "Bearer sk_test_first_key",
        "Bearer sk_test_second_key",
    ]


def test_the_server_url_is_readable() -> None:
    assert Clerk(bearer_auth=SECRET_KEY).server_url == "https://api.clerk.com/v1"
    clerk = Clerk(bearer_auth=SECRET_KEY, server_url="http://localhost:8787/v1/")
    assert clerk.server_url == "http://localhost:8787/v1"


def test_models_and_utils_are_attributes_of_the_package() -> None:
    assert clerk_async.models.User is User
    assert clerk_async.utils.RetryConfig is clerk_async.RetryConfig
    assert clerk_async.utils.BackoffStrategy is clerk_async.BackoffStrategy


async def test_models_and_pages_become_dicts_and_json(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", "/v1/users", users("user_1"))

    page = await client.users.list()
    user = page[0]

    assert user.to_dict() == user.model_dump()
    assert user.to_dict()["id"] == "user_1"
    assert json.loads(user.to_json()) == json.loads(user.model_dump_json()) == user.to_dict()
    assert page.to_dict() == {"data": [user.to_dict()], "total_count": None}
    assert json.loads(page.to_json()) == page.to_dict()
    request = clerk_async.models.UpdateUserRequest(first_name="Ada")
    assert request.to_dict() == {"first_name": "Ada"}  # UNSET fields are left out
