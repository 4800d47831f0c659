"""``Clerk(cache=...)`` as an application meets it, against the emulator: reads served from the
cache, single flight, batching, 404s remembered, writes written through, webhook events applied in
any order, stale-if-error, memberships, and the Redis store shared by two clients."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from clerk_async import APIConnectionError, Clerk, InternalServerError, NotFoundError
from clerk_async.cache import Cache, MemoryStore, RedisStore
from tests.support.cache_events import event
from tests.support.emulator import ClerkEmulator, Faults
from tests.support.flavour_async import pause, run_concurrently
from tests.support.redis_server import RedisServer

from .conftest import FAST_RETRY


def sent(emulator: ClerkEmulator) -> int:
    """Requests the emulator has answered so far."""
    return sum(emulator.emulator.responses.values())


def connect(emulator: ClerkEmulator, cache: Cache | bool = True) -> Clerk:
    return Clerk(
        bearer_auth=emulator.secret_key,
        server_url=emulator.url,
        retry_config=FAST_RETRY,
        cache=cache,
    )


@pytest.fixture
async def cached(clerk_emulator: ClerkEmulator) -> AsyncIterator[Clerk]:
    async with connect(clerk_emulator) as clerk:
        yield clerk


async def test_a_second_read_is_served_without_asking_clerk(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await cached.users.create(first_name="Ada", skip_password_requirement=True)
    first = await cached.users.get(user.id)
    before = sent(clerk_emulator)
    again = await cached.users.get(user.id)

    assert sent(clerk_emulator) == before
    assert again == first and again.first_name == "Ada"
    assert cached.cache is not None
    metrics = cached.cache.metrics()
    assert (metrics.hits, metrics.misses, metrics.requests) == (1, 1, 1)


async def test_concurrent_misses_of_one_user_make_one_request(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await cached.users.create(first_name="Ada", skip_password_requirement=True)
    before = sent(clerk_emulator)

    results = await run_concurrently([lambda: cached.users.get(user.id) for _ in range(20)])

    assert [r.first_name for r in results] == ["Ada"] * 20
    assert sent(clerk_emulator) == before + 1


async def test_concurrent_misses_of_many_users_share_one_list_request(
    clerk_emulator: ClerkEmulator,
) -> None:
    cache = Cache(batch_window=0.5)
    async with connect(clerk_emulator, cache) as clerk:
        users = [
            await clerk.users.create(first_name=f"U{n}", skip_password_requirement=True)
            for n in range(30)
        ]
        before = sent(clerk_emulator)
        calls: list[Any] = [functools.partial(clerk.users.get, user.id) for user in users]
        results = await run_concurrently(calls)

    assert [r.first_name for r in results] == [f"U{n}" for n in range(30)]
    assert sent(clerk_emulator) - before <= 2  # one batch (two if the threads straggled)
    assert cache.metrics().batched >= 15


async def test_a_404_is_remembered_for_a_while(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    with pytest.raises(NotFoundError):
        await cached.users.get("user_nobody")
    before = sent(clerk_emulator)
    with pytest.raises(NotFoundError) as again:
        await cached.users.get("user_nobody")

    assert sent(clerk_emulator) == before
    assert again.value.status_code == 404 and again.value.code == "resource_not_found"


async def test_the_clients_own_writes_are_written_through(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await cached.users.create(first_name="Ada", skip_password_requirement=True)
    await cached.users.get(user.id)
    updated = await cached.users.update(user.id, first_name="Grace")
    before = sent(clerk_emulator)

    assert (await cached.users.get(user.id)) == updated
    await cached.users.delete(user.id)
    after_delete = sent(clerk_emulator)
    with pytest.raises(NotFoundError):
        await cached.users.get(user.id)

    assert before == after_delete - 1  # the delete itself, and no read
    assert sent(clerk_emulator) == after_delete


async def test_a_write_without_an_answer_makes_the_next_read_ask_clerk(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await cached.users.create(first_name="Ada", skip_password_requirement=True)
    await cached.users.get(user.id)
    clerk_emulator.faults = Faults(drop_after=1.0, methods=frozenset({"PATCH"}), max_faults=1)
    with pytest.raises(APIConnectionError):  # applied by Clerk, the answer lost
        await cached.users.update(user.id, first_name="Grace")

    assert (await cached.users.get(user.id)).first_name == "Grace"


async def test_webhook_events_apply_in_any_order_and_deletion_wins(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await cached.users.create(first_name="Ada", skip_password_requirement=True)
    await cached.users.get(user.id)
    record = clerk_emulator.state.users.find(user.id)
    assert record is not None
    newer = {**record.data, "first_name": "Newer", "updated_at": user.updated_at + 10}
    older = {**record.data, "first_name": "Older", "updated_at": user.updated_at + 5}
    cache = cached.cache
    assert cache is not None

    await cache.apply(event("user.updated", newer))
    await cache.apply(event("user.updated", older))  # delivered late
    await cache.apply(event("user.updated", newer))  # delivered twice
    before = sent(clerk_emulator)
    assert (await cached.users.get(user.id)).first_name == "Newer"

    deleted = {"object": "user", "id": user.id, "deleted": True}
    await cache.apply(event("user.deleted", deleted))
    later = {**newer, "first_name": "Ghost", "updated_at": user.updated_at + 99}
    await cache.apply(event("user.updated", later))  # a retry of an older delivery
    with pytest.raises(NotFoundError):
        await cached.users.get(user.id)
    assert sent(clerk_emulator) == before


async def test_an_expired_entry_is_served_while_clerk_fails_within_the_bound(
    clerk_emulator: ClerkEmulator,
) -> None:
    cache = Cache(ttl=0.05, stale_if_error=60)
    async with connect(clerk_emulator, cache) as clerk:
        user = await clerk.users.create(first_name="Ada", skip_password_requirement=True)
        await clerk.users.get(user.id)
        await pause(0.1)  # past the TTL
        clerk_emulator.faults = Faults(
            error_rate=1.0, error_statuses=(503,), methods=frozenset({"GET"})
        )
        stale = await clerk.users.get(user.id)
        clerk_emulator.faults = None
        fresh = await clerk.users.get(user.id)

    assert stale.first_name == fresh.first_name == "Ada"
    assert cache.metrics().stale_served == 1


async def test_without_stale_if_error_clerks_error_is_raised(
    clerk_emulator: ClerkEmulator,
) -> None:
    async with connect(clerk_emulator, Cache(ttl=0.05, stale_if_error=0)) as clerk:
        user = await clerk.users.create(first_name="Ada", skip_password_requirement=True)
        await clerk.users.get(user.id)
        await pause(0.1)
        clerk_emulator.faults = Faults(
            error_rate=1.0, error_statuses=(503,), methods=frozenset({"GET"})
        )
        with pytest.raises(InternalServerError):
            await clerk.users.get(user.id)


async def test_memberships_pages_come_from_one_cached_list_and_follow_changes(
    cached: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await cached.users.create(first_name="Ada", skip_password_requirement=True)
    orgs = [
        await cached.organizations.create(name=f"Org {n}", created_by=user.id) for n in range(3)
    ]
    first = await cached.users.get_organization_memberships(user.id, limit=2)
    before = sent(clerk_emulator)
    second = await cached.users.get_organization_memberships(user.id, limit=2, offset=2)

    assert sent(clerk_emulator) == before
    assert len(first) == 2 and len(second) == 1 and first.total_count == second.total_count == 3
    await cached.organization_memberships.delete(orgs[0].id, user.id)
    remaining = await cached.users.get_organization_memberships(user.id)
    assert {m.organization.id for m in remaining} == {orgs[1].id, orgs[2].id}

    renamed = await cached.organizations.update(orgs[1].id, name="Renamed")
    assert (await cached.organizations.get(orgs[1].id)) == renamed
    names = {m.organization.name for m in await cached.users.get_organization_memberships(user.id)}
    assert "Renamed" in names


async def test_private_metadata_can_be_kept_out_of_the_cache(
    clerk_emulator: ClerkEmulator,
) -> None:
    async with connect(clerk_emulator, Cache(drop_private_metadata=True)) as clerk:
        user = await clerk.users.create(
            first_name="Ada", private_metadata={"plan": "pro"}, skip_password_requirement=True
        )
        cached_user = await clerk.users.get(user.id)
    assert user.private_metadata == {"plan": "pro"}
    assert cached_user.private_metadata is None


def test_bad_settings_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="ttl"):
        Cache(ttl=0)
    with pytest.raises(TypeError, match="batch_window"):
        Cache(batch_window="soon")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="store"):
        Cache(store=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStore(max_entries=0)
    with pytest.raises(TypeError, match="cache"):
        Clerk(bearer_auth="sk_test_x", cache="yes")  # type: ignore[arg-type]


# -- Redis -------------------------------------------------------------------------------------


async def test_two_clients_share_entries_and_changes_through_redis(
    clerk_emulator: ClerkEmulator, redis_url: str
) -> None:
    worker_a = connect(clerk_emulator, Cache(RedisStore(redis_url)))
    worker_b = connect(clerk_emulator, Cache(RedisStore(redis_url)))
    async with worker_a, worker_b:
        user = await worker_a.users.create(first_name="Ada", skip_password_requirement=True)
        await worker_a.users.get(user.id)
        before = sent(clerk_emulator)
        assert (await worker_b.users.get(user.id)).first_name == "Ada"  # from Redis
        assert sent(clerk_emulator) == before

        await worker_a.users.update(user.id, first_name="Grace")
        seen = await _until(lambda: worker_b.users.get(user.id), "Grace")
        assert seen == "Grace"
        assert sent(clerk_emulator) == before + 1  # the update, and no read
        for worker in (worker_a, worker_b):
            assert worker.cache is not None
            await worker.cache.aclose()


async def test_a_redis_outage_fails_open_with_one_warning_and_recovers(
    clerk_emulator: ClerkEmulator, own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    cache = Cache(RedisStore(own_redis_server.url, timeout=0.5))
    async with connect(clerk_emulator, cache) as clerk:
        user = await clerk.users.create(first_name="Ada", skip_password_requirement=True)
        await clerk.users.get(user.id)
        own_redis_server.kill()
        with caplog.at_level(logging.WARNING, logger="clerk.cache"):
            for _ in range(5):
                assert (await clerk.users.get(user.id)).first_name == "Ada"
        warnings = [r for r in caplog.records if r.name == "clerk.cache"]
        assert len(warnings) == 1 and "redis" in warnings[0].getMessage()
        assert cache.metrics().store_errors >= 1

        own_redis_server.start()
        hits = cache.metrics().hits
        for _ in range(200):  # until the store is tried again and holds the user
            await clerk.users.get(user.id)
            if cache.metrics().hits > hits + 1:
                break
            await pause(0.05)
        assert cache.metrics().hits > hits + 1
        await cache.aclose()


async def test_changes_a_worker_could_not_write_are_written_when_redis_answers_again(
    clerk_emulator: ClerkEmulator, own_redis_server: RedisServer
) -> None:
    worker_a = connect(clerk_emulator, Cache(RedisStore(own_redis_server.url, timeout=0.3)))
    worker_b = connect(clerk_emulator, Cache(RedisStore(own_redis_server.url, timeout=0.3)))
    async with worker_a, worker_b:
        user = await worker_a.users.create(first_name="Ada", skip_password_requirement=True)
        await worker_a.users.get(user.id)
        await worker_b.users.get(user.id)
        record = clerk_emulator.state.users.find(user.id)
        assert record is not None
        newer = {**record.data, "first_name": "Grace", "updated_at": user.updated_at + 10}
        assert worker_a.cache is not None and worker_b.cache is not None

        own_redis_server.pause(1.5)  # Redis holds every command: the webhook cannot be written
        await worker_a.cache.apply(event("user.updated", newer))
        assert worker_a.cache.metrics().store_errors >= 1
        await pause(1.6)
        before = sent(clerk_emulator)
        # worker A's next call finds Redis back and writes the event; worker B reads it from there
        assert (await _until(lambda: worker_a.users.get(user.id), "Grace")) == "Grace"
        assert (await _until(lambda: worker_b.users.get(user.id), "Grace")) == "Grace"
        assert sent(clerk_emulator) == before  # Grace came from the webhook, not from Clerk
        await worker_a.cache.aclose()
        await worker_b.cache.aclose()


async def _until(read: Any, wanted: str, attempts: int = 200) -> str:
    """Read until the value is ``wanted`` (an invalidation travels through pub/sub)."""
    name = ""
    for _ in range(attempts):
        name = (await read()).first_name
        if name == wanted:
            break
        await pause(0.02)
    return name
