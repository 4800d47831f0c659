"""``clerk-migrate --redis-url`` (or ``CLERK_REDIS_URL``) joins the instance's shared limit: a
migration next to a live app takes its turns in the app's sequence, and keeps to a pause or to the
sends an earlier process (a killed run, the app) left in Redis. Asserted on what was booked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import redis

from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate.cli import main
from clerk_async.migrate.journal import Journal
from clerk_async.ratelimit import _redis
from clerk_sync import Clerk as LiveApp
from clerk_sync.ratelimit import RedisRateLimit
from clerk_sync.ratelimit._redis import SyncRedisLimiter


def write_users(path: Path, count: int, prefix: str) -> Path:
    rows = [{"external_id": f"{prefix}{n}", "email_address": [f"{prefix}{n}@example.com"]}
            for n in range(count)]  # fmt: skip
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.fixture
def env(clerk_emulator: ClerkEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CLERK_SECRET_KEY", clerk_emulator.secret_key)
    monkeypatch.setenv("CLERK_API_URL", clerk_emulator.url)
    monkeypatch.delenv("CLERK_REDIS_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def bookings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float] | None]:
    """Every booking the migration's client makes in Redis: (slot, now), or None (Redis away)."""
    made: list[tuple[float, float] | None] = []
    book = _redis.AsyncRedisLimiter.book

    async def recording(self: Any) -> tuple[float, float] | None:
        booked = await book(self)
        made.append(booked)
        return booked

    monkeypatch.setattr(_redis.AsyncRedisLimiter, "book", recording)
    return made


def instance_state(redis_url: str, key: str) -> dict[str, float]:
    """The instance's two moments in Redis, as the live app's client names them."""
    with LiveApp(bearer_auth=key, rate_limit=RedisRateLimit(redis_url)) as app:
        limiter = app.rate_limiter
        assert isinstance(limiter, SyncRedisLimiter)
        name = limiter.name
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        return {str(field): float(value) for field, value in client.hgetall(name).items()}
    finally:
        client.close()


def test_a_migration_takes_its_turns_after_the_live_apps_sends_and_pause(
    env: Path,
    clerk_emulator: ClerkEmulator,
    redis_url: str,
    bookings: list[tuple[float, float] | None],
) -> None:
    key = clerk_emulator.secret_key
    with LiveApp(bearer_auth=key, server_url=clerk_emulator.url, rate_limit=RedisRateLimit(
        redis_url, limit="20/1s"
    )) as app:  # fmt: skip
        limiter = app.rate_limiter
        assert isinstance(limiter, SyncRedisLimiter)
        for _ in range(10):  # the app's sends booked ahead (or a killed run's)
            limiter.reserve()
        limiter.pause(0.5)  # and a 429 it met
    left = instance_state(redis_url, key)

    users = write_users(env / "users.jsonl", 10, "m")
    args = ["import", "--from", "jsonl", "--yes", "--rate-limit", "20/1s", str(users)]
    assert main([*args, "--redis-url", redis_url]) == 0

    booked = [booking for booking in bookings if booking is not None]
    assert len(booked) == len(bookings) >= 11  # every send in Redis: the lookup and 10 creates
    first_slot = min(slot for slot, _ in booked)
    assert first_slot >= max(left["n"], left["p"])  # after the app's sends and its pause
    assert instance_state(redis_url, key)["n"] >= first_slot + 10 * 0.051  # the run's own turns
    assert len(clerk_emulator.state.users.users) == 10
    with Journal(env / "migration.db") as journal:
        assert journal.pacing() is None  # Redis keeps the pace, not the journal


def test_the_redis_url_may_come_from_the_environment(
    env: Path,
    redis_url: str,
    bookings: list[tuple[float, float] | None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLERK_REDIS_URL", redis_url)
    users = write_users(env / "users.jsonl", 3, "e")
    assert main(["import", "--from", "jsonl", "--yes", "--rate-limit", "100/1s", str(users)]) == 0
    assert bookings and all(booking is not None for booking in bookings)
    assert main(["export", "--out", "users.ndjson", "--rate-limit", "off"]) == 0  # no limiter


def test_without_redis_the_journal_still_carries_the_pace_over(
    env: Path, clerk_emulator: ClerkEmulator, bookings: list[tuple[float, float] | None]
) -> None:
    users = write_users(env / "users.jsonl", 3, "j")
    assert main(["import", "--from", "jsonl", "--yes", "--rate-limit", "100/1s", str(users)]) == 0
    assert bookings == []  # no Redis at all
    with Journal(env / "migration.db") as journal:
        assert journal.pacing() is not None
