"""The pure rules every store applies: order-safety, duplicates, deletion wins, fences, and webhook
events turned into changes (including the lenient payloads with missing fields)."""

from __future__ import annotations

import itertools
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_async._cache.entry import (
    Entry,
    Lifetimes,
    State,
    after_delete,
    after_event,
    after_fetch,
    after_invalidate,
    missing,
    present,
)
from clerk_async._cache.events import Change, changes_of_event
from clerk_async._cache.kinds import Kind, read_route, write_route
from clerk_async._operations import (
    DELETE_USER,
    GET_ORGANIZATION,
    GET_USER,
    UPDATE_USER,
    USERS_GET_ORGANIZATION_MEMBERSHIPS,
    VERIFY_PASSWORD,
)
from clerk_async.webhooks import decode_webhook_event

LIFE = Lifetimes(ttl=300.0, missing_ttl=10.0, deleted_ttl=3600.0, stale_if_error=60.0)
NOW = 1_000_000.0


def copy(version: int, name: str = "Ada") -> dict[str, Any]:
    return {"id": "user_1", "first_name": name, "updated_at": version}


def name_of(entry: Entry[Any]) -> str:
    assert entry.value is not None
    name: str = entry.value["first_name"]
    return name


def event(current: Entry[Any] | None, version: int, name: str = "Ada") -> Entry[Any] | None:
    return after_event(current, copy(version, name), version, NOW, LIFE)


def test_a_newer_copy_replaces_an_older_one_and_never_the_reverse() -> None:
    old = event(None, 100, "Old")
    assert old is not None and old.state == State.PRESENT
    new = event(old, 200, "New")
    assert new is not None and name_of(new) == "New"
    assert event(new, 100, "Old") is None  # the older copy arriving late changes nothing


def test_a_duplicate_changes_nothing_and_a_conflicting_twin_invalidates() -> None:
    first = event(None, 100)
    assert event(first, 100) is None
    twin = event(first, 100, "Other")
    assert twin is not None and twin.state == State.INVALID and not twin.fresh(NOW)


def test_deletion_wins_over_any_later_copy_while_the_tombstone_lives() -> None:
    gone = after_delete(event(None, 100), NOW, LIFE)
    assert gone.state == State.DELETED
    assert event(gone, 10**12, "Back") is None
    assert after_invalidate(gone, NOW, LIFE) is None
    assert after_fetch(gone, present(copy(300), 300, gone.fence, NOW, LIFE), gone.fence) is None
    later = NOW + LIFE.deleted_ttl + 1
    assert after_event(gone, copy(400), 400, later, LIFE) is not None


def test_a_fetch_started_before_an_event_does_not_overwrite_it() -> None:
    seen = present(copy(100), 100, 0, NOW - 400, LIFE)  # expired: the reader asks Clerk
    landed = event(seen, 200, "Webhook")  # meanwhile the webhook lands
    assert landed is not None and landed.fence == seen.fence + 1
    fetched = present(copy(200, "Webhook"), 200, seen.fence, NOW, LIFE)
    assert after_fetch(landed, fetched, seen.fence) is None
    marker = after_invalidate(seen, NOW, LIFE)
    assert after_fetch(marker, fetched, seen.fence) is None
    assert after_fetch(seen, fetched, seen.fence) is fetched


def test_a_fetch_of_a_key_that_vanished_meanwhile_is_not_stored() -> None:
    fetched = present(copy(100), 100, 3, NOW, LIFE)
    assert after_fetch(None, fetched, 3) is None
    assert after_fetch(None, present(copy(100), 100, 0, NOW, LIFE), 0) is not None


def test_an_older_fetched_copy_does_not_replace_a_newer_one() -> None:
    newer = present(copy(200), 200, 0, NOW - 400, LIFE)
    assert after_fetch(newer, present(copy(100), 100, 0, NOW, LIFE), 0) is None


def test_a_404_is_remembered_briefly_and_a_creation_replaces_it() -> None:
    gone = missing(0, NOW, LIFE)
    assert gone.fresh(NOW) and not gone.fresh(NOW + LIFE.missing_ttl)
    assert event(gone, 100) is not None


def test_stale_if_error_is_bounded() -> None:
    entry = present(copy(100), 100, 0, NOW, LIFE)
    assert not entry.stale_usable(NOW + LIFE.ttl + LIFE.stale_if_error)
    assert entry.stale_usable(NOW + LIFE.ttl + LIFE.stale_if_error - 1)
    assert not missing(0, NOW, LIFE).stale_usable(NOW)


Step = tuple[str, int]  # ("put", version) or ("delete", 0)


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("put"), st.integers(1, 6)),
            st.tuples(st.just("delete"), st.just(0)),
        ),
        min_size=1,
        max_size=7,
    ),
    st.randoms(use_true_random=False),
)
def test_any_order_and_any_duplicates_end_in_the_same_entry(steps: list[Step], rng: Any) -> None:
    def run(order: list[Step]) -> tuple[State, int | None]:
        entry: Entry[Any] | None = None
        for action, version in order:
            new: Entry[Any] | None
            if action == "delete":
                new = after_delete(entry, NOW, LIFE)
            else:
                new = after_event(entry, copy(version), version, NOW, LIFE)
            entry = entry if new is None else new
        assert entry is not None
        return entry.state, entry.version

    delivered = steps + rng.sample(steps, k=len(steps) // 2)  # some delivered twice
    shuffled = list(delivered)
    rng.shuffle(shuffled)
    expected = (
        (State.DELETED, None)
        if any(action == "delete" for action, _ in steps)
        else (State.PRESENT, max(version for _, version in steps))
    )
    assert run(delivered) == run(shuffled) == expected


# -- webhook events -> changes ---------------------------------------------------------------------


def webhook(kind: str, data: dict[str, Any], timestamp: int = 1_700_000_000_000) -> object:
    body = {"object": "event", "type": kind, "timestamp": timestamp, "instance_id": "ins_1"}
    return decode_webhook_event(msgspec.json.encode({**body, "data": data}))


USER = {
    "id": "user_1",
    "object": "user",
    "first_name": "Ada",
    "has_image": False,
    "public_metadata": {},
    "private_metadata": {"plan": "pro"},
    "email_addresses": [],
    "phone_numbers": [],
    "web3_wallets": [],
    "passkeys": [],
    "password_enabled": False,
    "two_factor_enabled": False,
    "totp_enabled": False,
    "backup_code_enabled": False,
    "external_accounts": [],
    "saml_accounts": [],
    "enterprise_accounts": [],
    "banned": False,
    "locked": False,
    "updated_at": 1_700_000_000_500,
    "created_at": 1_600_000_000_000,
    "delete_self_enabled": True,
    "create_organization_enabled": True,
}


def test_a_user_event_puts_the_api_model_and_drops_the_users_memberships() -> None:
    from clerk_async.models import User

    put, memberships = changes_of_event(webhook("user.updated", USER))
    assert put.action == "put" and put.kind is Kind.USER and put.ident == "user_1"
    assert isinstance(put.value, User) and put.value.first_name == "Ada"
    assert put.version == USER["updated_at"]
    assert memberships == Change("invalidate", Kind.MEMBERSHIPS, "user_1")


def test_an_event_without_updated_at_never_leaves_the_older_copy_served() -> None:
    from clerk_async.webhooks import UserUpdatedEvent

    typed = webhook("user.updated", {**USER, "first_name": "New"}, timestamp=1_700_000_009_000)
    assert isinstance(typed, UserUpdatedEvent)
    typed.data.updated_at = None  # as lenient decoding leaves it
    change, _ = changes_of_event(typed)
    cached = present(copy(1_700_000_000_000, "Old"), 1_700_000_000_000, 0, NOW, LIFE)
    if change.action == "put":  # a model that takes the payload: ordered by the event's time
        assert change.version == 1_700_000_009_000
        after = after_event(cached, change.value, change.version, NOW, LIFE)
        assert after is not None and after.value is not None
        assert after.value.first_name == "New"
    else:  # the API model needs updated_at: the entry is invalidated, the next read asks Clerk
        assert change == Change("invalidate", Kind.USER, "user_1")
        after = after_invalidate(cached, NOW, LIFE)
        assert after is not None and not after.fresh(NOW)


def test_an_event_whose_payload_does_not_fit_the_model_invalidates() -> None:
    from clerk_async.webhooks import UserUpdatedEvent

    typed = webhook("user.updated", USER)
    assert isinstance(typed, UserUpdatedEvent)
    typed.data.email_addresses = None  # lost by lenient decoding
    put, _ = changes_of_event(typed)
    assert put == Change("invalidate", Kind.USER, "user_1")


def test_deletions_memberships_and_roles() -> None:
    deleted = changes_of_event(
        webhook("user.deleted", {"object": "user", "id": "user_1", "deleted": True})
    )
    assert [c.action for c in deleted] == ["delete", "invalidate"]
    no_id = webhook("organization.deleted", {"object": "organization", "deleted": True})
    assert changes_of_event(no_id) == [Change("all_memberships", Kind.MEMBERSHIPS, "")]
    role = webhook(
        "role.updated",
        {"object": "role", "id": "role_1", "key": "org:admin", "name": "Admin",
         "permissions": [], "is_creator_eligible": True, "created_at": 1, "updated_at": 2},
    )  # fmt: skip
    assert changes_of_event(role) == [Change("all_memberships", Kind.MEMBERSHIPS, "")]
    assert changes_of_event(webhook("something.new", {"id": "x_1"})) == []
    assert changes_of_event(object()) == []


# -- which calls the cache serves or writes through ----------------------------------------------


def test_only_the_plain_reads_are_served() -> None:
    unset = msgspec.UNSET
    user = read_route(GET_USER, {"user_id": "user_1"}, None)
    assert user is not None and (user[0].kind, user[1]) == (Kind.USER, "user_1")
    org = read_route(GET_ORGANIZATION, {"organization_id": "org_1"}, {})
    assert org is not None and (org[0].kind, org[1]) == (Kind.ORGANIZATION, "org_1")
    assert read_route(GET_ORGANIZATION, {"organization_id": "my-slug"}, {}) is None
    counts = {"include_members_count": True}
    assert read_route(GET_ORGANIZATION, {"organization_id": "org_1"}, counts) is None
    memberships = USERS_GET_ORGANIZATION_MEMBERSHIPS
    assert read_route(memberships, {"user_id": "u"}, {"limit": 20, "offset": unset}) is not None
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": True}):
        assert read_route(memberships, {"user_id": "u"}, bad) is None


def test_writes_are_recognised_from_the_operation_table() -> None:
    update, delete = write_route(UPDATE_USER), write_route(DELETE_USER)
    assert update is not None and update.action == "put" and update.kind is Kind.USER
    assert delete is not None and delete.action == "delete"
    assert write_route(VERIFY_PASSWORD) is None
    assert write_route(GET_USER) is None


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_three_updates_in_any_order_keep_the_newest(order: tuple[int, ...]) -> None:
    entry: Entry[Any] | None = None
    for index in order:
        new = event(entry, 100 * (index + 1), f"v{index}")
        entry = entry if new is None else new
    assert entry is not None and name_of(entry) == "v2"
