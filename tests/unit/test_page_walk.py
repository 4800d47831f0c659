"""Where each page of ``paginate`` starts: by cursor for ``users.list`` when ordering allows."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from clerk_async import _operations
from clerk_async._operation import operation
from clerk_async._pagination import Page, PageWalk


class Item(msgspec.Struct):
    id: str


@operation(_operations.GET_USER_LIST)
def list_users(**params: Any) -> Page[Item]:
    raise NotImplementedError


@operation(_operations.LIST_ORGANIZATIONS)
def list_organizations(**params: Any) -> Page[Item]:
    raise NotImplementedError


def page(*ids: str, total: int | None = None) -> Page[Item]:
    return Page([Item(i) for i in ids], total)


@pytest.mark.parametrize("order", [None, "created_at", "+created_at", "-created_at"])
def test_users_walk_by_cursor_when_ordered_by_creation(order: str | None) -> None:
    filters = {} if order is None else {"order_by": order}
    walk = PageWalk(list_users, {**filters, "banned": False}, 2)

    assert walk.by_cursor
    assert walk.arguments() == {"limit": 2, **filters, "banned": False}
    assert walk.advance(page("user_1", "user_2"))
    assert walk.arguments() == {"limit": 2, "starting_after": "user_2", **filters, "banned": False}
    assert walk.advance(page("user_3", "user_4"))
    assert walk.arguments()["starting_after"] == "user_4"
    assert not walk.advance(page("user_5"))  # a short page is the last


@pytest.mark.parametrize(
    "params", [{"order_by": "username"}, {"order_by": "-last_sign_in_at"}, {"offset": 20}]
)
def test_users_walk_by_offset_when_the_cursor_cannot_apply(params: dict[str, Any]) -> None:
    walk = PageWalk(list_users, params, 10)

    assert not walk.by_cursor
    assert walk.arguments()["offset"] == params.get("offset", 0)
    assert "starting_after" not in walk.arguments()


def test_a_walk_can_resume_from_a_cursor() -> None:
    walk = PageWalk(list_users, {"starting_after": "user_9", "offset": 0}, 5)

    assert walk.arguments() == {"limit": 5, "starting_after": "user_9"}


def test_other_list_operations_walk_by_offset_until_total_count() -> None:
    walk = PageWalk(list_organizations, {"query": "acme"}, 2)

    assert not walk.by_cursor
    assert walk.arguments() == {"limit": 2, "offset": 0, "query": "acme"}
    assert walk.advance(page("org_1", "org_2", total=3))
    assert walk.arguments()["offset"] == 2
    assert not walk.advance(page("org_3", total=3))


def test_a_cursor_that_does_not_move_stops_the_walk_loudly() -> None:
    walk = PageWalk(list_users, {}, 1)
    walk.advance(page("user_1"))

    with pytest.raises(ValueError, match="no new id"):
        walk.advance(page("user_1"))


def test_limit_is_the_walks_own() -> None:
    with pytest.raises(TypeError, match="page_size"):
        PageWalk(list_users, {"limit": 5}, 5)
