"""Listing users: filters, ordering, paging at the edges, the starting_after cursor, counting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .support import Api


async def _people(api: Api) -> list[dict[str, Any]]:
    ada: dict[str, Any] = {"first_name": "Ada", "last_name": "Lovelace", "username": "ada_l"}
    grace: dict[str, Any] = {"first_name": "Grace", "last_name": "Hopper", "username": "grace_h"}
    alan: dict[str, Any] = {"first_name": "Alan", "last_name": "Turing", "username": "alan_t"}
    barbara: dict[str, Any] = {"first_name": "Barbara", "last_name": "Liskov"}
    nameless: dict[str, Any] = {"first_name": None, "last_name": None, "username": "nameless"}
    ada["email_address"] = ["ada@math.org"]
    grace.update(email_address=["grace@navy.mil"], phone_number=["+15555550101"])
    alan.update(email_address=["alan@bletchley.uk"], external_id="ext-alan")
    barbara.update(username="barbara", email_address=["barbara@mit.edu"])
    nameless["email_address"] = ["zed@example.com"]
    people = [ada, grace, alan, barbara, nameless]
    return [await api.user(**p) for p in people]


def _ids(reply: Any) -> list[str]:
    return [u["id"] for u in reply.body]


async def test_default_order_is_newest_first(api: Api) -> None:
    users = await _people(api)
    reply = await api.get("/users")
    assert reply.status == 200
    assert _ids(reply) == [u["id"] for u in reversed(users)]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ("created_at", ["ada_l", "grace_h", "alan_t", "barbara", "nameless"]),
        ("+created_at", ["ada_l", "grace_h", "alan_t", "barbara", "nameless"]),
        ("-created_at", ["nameless", "barbara", "alan_t", "grace_h", "ada_l"]),
        ("username", ["ada_l", "alan_t", "barbara", "grace_h", "nameless"]),
        ("-username", ["nameless", "grace_h", "barbara", "alan_t", "ada_l"]),
        ("email_address", ["ada_l", "alan_t", "barbara", "grace_h", "nameless"]),
        ("-email_address", ["nameless", "grace_h", "barbara", "alan_t", "ada_l"]),
        # NULLs sort last ascending and first descending.
        ("first_name", ["ada_l", "alan_t", "barbara", "grace_h", "nameless"]),
        ("-last_name", ["nameless", "alan_t", "ada_l", "barbara", "grace_h"]),
        ("phone_number", ["grace_h", "ada_l", "alan_t", "barbara", "nameless"]),
    ],
)
async def test_order_by(api: Api, order_by: str, expected: list[str]) -> None:
    await _people(api)
    reply = await api.get("/users", order_by=order_by)
    assert [u["username"] for u in reply.body] == expected


async def test_updated_at_order_follows_updates(api: Api) -> None:
    users = await _people(api)
    await asyncio.sleep(0.005)
    await api.patch(f"/users/{users[0]['id']}", {"first_name": "Augusta"})
    reply = await api.get("/users", order_by="-updated_at")
    assert reply.body[0]["id"] == users[0]["id"]


async def test_unknown_order_by_answers_422(api: Api) -> None:
    reply = await api.get("/users", order_by="-shoe_size")
    assert (reply.status, reply.code, reply.param) == (422, "form_param_value_invalid", "order_by")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"email_address": ["ADA@math.org", "alan@bletchley.uk"]}, {"ada_l", "alan_t"}),
        ({"phone_number": "+15555550101"}, {"grace_h"}),
        ({"username": ["Barbara", "nobody"]}, {"barbara"}),
        ({"external_id": "ext-alan"}, {"alan_t"}),
        ({"query": "bletch"}, {"alan_t"}),
        ({"query": "LOVE"}, {"ada_l"}),
        ({"query": "5555550101"}, {"grace_h"}),
        ({"email_address_query": ".edu"}, {"barbara"}),
        ({"username_query": "a_"}, {"ada_l"}),
        ({"name_query": "grace hop"}, {"grace_h"}),
        ({"phone_number_query": "555"}, {"grace_h"}),
        ({"email_address": "ada@math.org", "username": "grace_h"}, set()),
        ({"email_address": "nobody@example.com"}, set()),
    ],
)
async def test_filters(api: Api, params: dict[str, Any], expected: set[str]) -> None:
    await _people(api)
    reply = await api.get("/users", **params)
    count = await api.get("/users/count", **params)
    assert {u["username"] for u in reply.body} == expected
    assert count.body == {"object": "total_count", "total_count": len(expected)}


async def test_user_id_and_banned_filters(api: Api) -> None:
    users = await _people(api)
    await api.post(f"/users/{users[1]['id']}/ban")

    by_id = await api.get("/users", user_id=[users[0]["id"], users[1]["id"], "user_nope"])
    banned = await api.get("/users", banned=True)
    not_banned = await api.get("/users", banned=False)

    assert set(_ids(by_id)) == {users[0]["id"], users[1]["id"]}
    assert _ids(banned) == [users[1]["id"]]
    assert len(not_banned.body) == 4


async def test_created_and_last_active_ranges(api: Api) -> None:
    years = [
        await api.user(username=f"year_{year}", created_at=f"{year}-01-01T00:00:00Z")
        for year in (2020, 2021, 2022)
    ]
    stamp_2021 = years[1]["created_at"]
    assert stamp_2021 == 1609459200000
    session = await api.post("/sessions", {"user_id": years[0]["id"]})
    active_at = session.body["last_active_at"]

    after = await api.get("/users", created_at_after=stamp_2021, order_by="created_at")
    before = await api.get("/users", created_at_before=stamp_2021 + 1, order_by="created_at")
    active = await api.get("/users", last_active_at_after=active_at - 1)
    since = await api.get("/users", last_active_at_since=active_at)
    signed_in = await api.get("/users", last_sign_in_at_before=active_at + 1)
    never = await api.get("/users", last_sign_in_at_after=active_at)

    assert _ids(after) == [years[2]["id"]]
    assert _ids(before) == [years[0]["id"], years[1]["id"]]
    assert _ids(active) == _ids(since) == _ids(signed_in) == [years[0]["id"]]
    assert never.body == []


async def test_organization_filter(api: Api) -> None:
    users = await _people(api)
    org = await api.post(
        "/organizations", {"name": "Analytical Engines", "created_by": users[0]["id"]}
    )
    await api.post(
        f"/organizations/{org.body['id']}/memberships",
        {"user_id": users[2]["id"], "role": "org:member"},
    )

    reply = await api.get("/users", organization_id=org.body["id"])

    assert set(_ids(reply)) == {users[0]["id"], users[2]["id"]}


async def test_paging_edges(api: Api) -> None:
    users = await _people(api)
    oldest_first = [u["id"] for u in users]

    first = await api.get("/users", order_by="created_at", limit=2)
    second = await api.get("/users", order_by="created_at", limit=2, offset=2)
    last = await api.get("/users", order_by="created_at", limit=2, offset=4)
    past = await api.get("/users", order_by="created_at", offset=99)
    everything = await api.get("/users", limit=500)

    assert _ids(first) == oldest_first[:2]
    assert _ids(second) == oldest_first[2:4]
    assert _ids(last) == oldest_first[4:]
    assert (past.status, past.body) == (200, [])
    assert len(everything.body) == 5
    for params in ({"limit": 501}, {"limit": 0}, {"offset": -1}, {"limit": "ten"}):
        reply = await api.get("/users", **params)
        assert (reply.status, reply.code) == (422, "form_param_format_invalid"), params
        assert reply.param == next(iter(params))


async def test_default_limit_is_10(api: Api) -> None:
    for index in range(12):
        await api.user(username=f"user_{index:02d}")
    assert len((await api.get("/users")).body) == 10


async def test_starting_after_walks_every_user_once(api: Api) -> None:
    created = [(await api.user(username=f"walker_{i:02d}"))["id"] for i in range(7)]

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["starting_after"] = cursor
        page = _ids(await api.get("/users", **params))
        seen.extend(page)
        if len(page) < 3:
            break
        cursor = page[-1]

    assert seen == list(reversed(created))
    ascending = await api.get("/users", order_by="+created_at", starting_after=created[4])
    assert _ids(ascending) == created[5:]


async def test_starting_after_survives_deleting_the_cursor_user(api: Api) -> None:
    created = [(await api.user(username=f"gone_{i:02d}"))["id"] for i in range(4)]
    await api.delete(f"/users/{created[2]}")

    reply = await api.get("/users", starting_after=created[2])

    assert _ids(reply) == [created[1], created[0]]


async def test_starting_after_rejects_other_orderings_offsets_and_unknown_ids(api: Api) -> None:
    user = await api.user()

    ordering = await api.get("/users", starting_after=user["id"], order_by="username")
    offset = await api.get("/users", starting_after=user["id"], offset=1)
    unknown = await api.get("/users", starting_after="user_unknown")
    zero = await api.get("/users", starting_after=user["id"], offset=0)

    assert (ordering.status, ordering.param) == (422, "starting_after")
    assert (offset.status, offset.param) == (422, "offset")
    assert (unknown.status, unknown.param) == (422, "starting_after")
    assert (zero.status, zero.body) == (200, [])
