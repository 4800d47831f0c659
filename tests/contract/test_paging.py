"""``paginate`` over generated list methods, on the wire: by cursor for users, else by offset."""

from __future__ import annotations

from typing import Any

import clerk_async
import clerk_sync
from clerk_async.emulator.samples import sample
from clerk_async.models import Organization, User
from tests.support.server import SECRET_KEY, Reply, ScriptedServer


def _users(*ids: int) -> list[dict[str, Any]]:
    return [{**sample(User, nulls=True), "id": f"user_{i}"} for i in ids]


def _orgs(*ids: int, total: int) -> dict[str, Any]:
    data = [{**sample(Organization, nulls=True), "id": f"org_{i}"} for i in ids]
    return {"data": data, "total_count": total}


async def test_users_are_walked_by_cursor(server: ScriptedServer) -> None:
    server.script(
        "GET",
        "/v1/users",
        Reply(200, json=_users(1, 2)),
        Reply(200, json=_users(3, 4)),
        Reply(200, json=_users(5)),
    )

    async with clerk_async.Clerk(bearer_auth=SECRET_KEY, server_url=server.url) as clerk:
        ids = [u.id async for u in clerk.paginate(clerk.users.list, page_size=2, banned=False)]

    assert ids == [f"user_{i}" for i in range(1, 6)]
    assert [r.query for r in server.received] == [
        "banned=false&limit=2",
        "banned=false&limit=2&starting_after=user_2",
        "banned=false&limit=2&starting_after=user_4",
    ]


def test_users_ordered_otherwise_are_walked_by_offset(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users", Reply(200, json=_users(1, 2)), Reply(200, json=[]))

    with clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=server.url) as clerk:
        users = clerk.paginate(clerk.users.list, page_size=2, order_by="username")
        ids = [u.id for u in users]

    assert ids == ["user_1", "user_2"]
    assert [r.query for r in server.received] == [
        "limit=2&offset=0&order_by=username",
        "limit=2&offset=2&order_by=username",
    ]


def test_other_lists_are_walked_by_offset_until_total_count(server: ScriptedServer) -> None:
    server.script(
        "GET",
        "/v1/organizations",
        Reply(200, json=_orgs(1, 2, total=3)),
        Reply(200, json=_orgs(3, total=3)),
    )

    with clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=server.url) as clerk:
        ids = [o.id for o in clerk.paginate(clerk.organizations.list, page_size=2, query="a")]

    assert ids == ["org_1", "org_2", "org_3"]
    assert [r.query for r in server.received] == [
        "query=a&limit=2&offset=0",
        "query=a&limit=2&offset=2",
    ]
