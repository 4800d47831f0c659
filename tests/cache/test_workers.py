"""The cache as a fleet meets it: worker processes (``clerk_async`` and ``clerk_sync``) behind one
real Redis, against the emulator with its webhooks on. Updates made through the API reach every
worker's reads once the webhook lands; duplicated, delayed and reordered deliveries change nothing;
Redis killed and restarted mid-run; Clerk answering 5xx. No worker ever answers 500."""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator

import pytest

from clerk_async.emulator import Faults
from clerk_async.webhooks import sign_webhook
from tests.support.redis_server import RedisServer

from .fleet import Fleet, until


@pytest.fixture
def fleet(redis_url: str) -> Iterator[Fleet]:
    started = Fleet(redis_url)
    yield started
    errors = started.stop()
    assert all("Traceback" not in error for error in errors), errors


def names(fleet: Fleet, user_id: str) -> list[object]:
    return [worker.user(user_id)[1].get("first_name") for worker in fleet.workers]


def all_updated(fleet: Fleet, expected: dict[str, str]) -> bool:
    """Every worker reads every user's expected name."""
    return all(
        names(fleet, user_id) == [name] * len(fleet.workers) for user_id, name in expected.items()
    )


def test_updates_reach_every_worker_and_duplicated_reordered_deliveries_change_nothing(
    fleet: Fleet,
) -> None:
    emulator = fleet.emulator
    with emulator.sync_client() as clerk:  # another service, with no cache, changes the users
        users = [
            clerk.users.create(first_name=f"U{n}", skip_password_requirement=True) for n in range(6)
        ]
        emulator.wait_for_webhooks()
        before = fleet.sent()
        for user in users:  # every worker reads every user: one request to Clerk per user at most
            assert names(fleet, user.id) == [user.first_name] * 3
        assert fleet.sent() - before <= len(users)

        for round_ in range(2):
            for user in users[:3]:
                clerk.users.update(user.id, first_name=f"{user.first_name}-v{round_}")
        clerk.users.delete(users[3].id)
        emulator.wait_for_webhooks()
    before = fleet.sent()

    expected = {user.id: f"{user.first_name}-v1" for user in users[:3]}
    assert until(lambda: all_updated(fleet, expected)), expected
    assert [w.user(users[3].id)[0] for w in fleet.workers] == [404] * 3
    assert fleet.sent() == before  # the webhooks carried the new copies: no read asked Clerk

    # Every delivery again, to any worker, shuffled and twice: nothing moves back.
    status, logged = fleet.workers[0].get("/webhooks/log")
    assert status == 200
    secret = emulator.webhook_secret or ""
    bodies = [base64.b64decode(entry) for entry in logged] * 2
    random.Random(7).shuffle(bodies)
    for index, body in enumerate(bodies):
        worker = fleet.workers[index % len(fleet.workers)]
        assert worker.post("/webhooks", body, sign_webhook(body, secret)) == 204
    assert until(lambda: all_updated(fleet, expected)), expected
    assert [w.user(users[3].id)[0] for w in fleet.workers] == [404] * 3
    assert all(w.metrics()["store_errors"] == 0 for w in fleet.workers)


@pytest.mark.slow  # worker processes behind one Redis
def test_clerk_answering_5xx_does_not_reach_cached_reads(fleet: Fleet) -> None:
    emulator = fleet.emulator
    with emulator.sync_client() as clerk:
        known = clerk.users.create(first_name="Known", skip_password_requirement=True)
    assert names(fleet, known.id) == ["Known"] * 3
    emulator.faults = Faults(error_rate=1.0, error_statuses=(500, 503), methods=frozenset({"GET"}))
    try:
        assert names(fleet, known.id) == ["Known"] * 3
        statuses = [worker.user("user_never_cached")[0] for worker in fleet.workers]
    finally:
        emulator.faults = None
    assert statuses == [502] * 3  # Clerk's error, typed and answered: not a crash
    assert [worker.user("user_never_cached")[0] for worker in fleet.workers] == [404] * 3


@pytest.mark.slow  # worker processes through a Redis restart
def test_redis_killed_and_restarted_mid_run(own_redis_server: RedisServer) -> None:
    fleet = Fleet(own_redis_server.url, flavours=("async", "sync"))
    try:
        emulator = fleet.emulator
        with emulator.sync_client() as clerk:
            user = clerk.users.create(first_name="Ada", skip_password_requirement=True)
            assert names(fleet, user.id) == ["Ada"] * 2

            own_redis_server.kill()
            for _ in range(3):  # every read still answered, from Clerk
                assert names(fleet, user.id) == ["Ada"] * 2
            clerk.users.update(user.id, first_name="Grace")
            emulator.wait_for_webhooks()  # lands while Redis is away
            assert until(lambda: names(fleet, user.id) == ["Grace"] * 2)
            assert all(worker.metrics()["store_errors"] >= 1 for worker in fleet.workers)

            own_redis_server.start()
            clerk.users.update(user.id, first_name="Lin")
            emulator.wait_for_webhooks()
        assert until(lambda: names(fleet, user.id) == ["Lin"] * 2, attempts=500)
        hits = [worker.metrics()["hits"] for worker in fleet.workers]
        assert until(  # each worker tries Redis again by itself, and hits it
            lambda: (
                names(fleet, user.id) == ["Lin"] * 2
                and all(
                    w.metrics()["hits"] > h + 2 for w, h in zip(fleet.workers, hits, strict=True)
                )
            ),
            attempts=1000,
        )
        before = fleet.sent()
        for _ in range(5):
            assert names(fleet, user.id) == ["Lin"] * 2
        assert fleet.sent() == before  # served from Redis again, not from Clerk
    finally:
        errors = fleet.stop()
    assert all("Traceback" not in error for error in errors), errors
