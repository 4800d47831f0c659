"""``migrate()`` against the emulator: exactly once under faults, resumes, lookups, 429s."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator, Faults
from clerk_async.migrate.importing import QueuedUser
from clerk_async.migrate.journal import Entry, Journal
from clerk_async.migrate.plan import Item
from clerk_async.migrate.records import Contact, MappedOrganization, SourceRecord, UserDraft
from clerk_async.migrate.runner import _Importers, migrate
from tests.migrate.engine_support import invalid, mapped, skipped, users

FAST = "100000/1s"


def external_ids(emulator: ClerkEmulator) -> Counter[str]:
    return Counter(record.data["external_id"] for record in emulator.state.users.users.values())


async def test_every_record_once_under_5xx_and_dropped_responses(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    records = users(300)
    clerk_emulator.faults = Faults(
        error_rate=0.1, drop_after=0.1, drop_before=0.05, methods=frozenset({"POST"}), seed=11
    )
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert clerk_emulator.faults_injected > 40
    assert summary.counts["created"] == 300, summary.lines()
    assert summary.exit_code == 0
    held = external_ids(clerk_emulator)
    assert set(held) == {user.external_id for user in records}  # none lost
    assert max(held.values()) == 1  # none twice
    with Journal(tmp_path / "j.db") as journal:
        for row in journal.rows():
            assert clerk_emulator.state.users.find(row.clerk_id or "") is not None


async def test_a_crashed_runs_in_flight_records_are_looked_up_first(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    records = users(5)
    path = tmp_path / "j.db"
    with Journal(path) as journal:  # a run that died: 0 and 1 in flight, 0 reached Clerk
        journal.begin_run("import")
        journal.admit(0, [Entry(u.external_id, "f", "pending", claims=()) for u in records[:3]])
        journal.mark_in_flight([0, 1])
    async with clerk_emulator.client() as clerk:
        reached = await clerk.users.create(
            external_id=records[0].external_id, email_address=list(records[0].emails)
        )
        summary = await migrate(clerk, records, journal=path, rate_limit=FAST)
    assert summary.counts["created"] == 5
    assert max(external_ids(clerk_emulator).values()) == 1
    with Journal(path) as journal:
        first = journal.row(0)
        assert first is not None and first.clerk_id == reached.id and first.attempts == 1


async def test_identifier_exists_is_looked_up(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    async with clerk_emulator.client() as clerk:
        earlier = await clerk.users.create(external_id="a", email_address=["a@example.com"])
        holder = await clerk.users.create(external_id="z", email_address=["b@example.com"])
        records = [mapped("a", index=1), mapped("b", index=2), mapped("c", index=3)]
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.counts["already_imported"] == 1
    assert summary.counts["conflict"] == 1
    assert summary.counts["created"] == 1
    assert summary.exit_code == 1
    with Journal(tmp_path / "j.db") as journal:
        a, b, _ = journal.rows()
        assert (a.status, a.clerk_id) == ("already_imported", earlier.id)
        assert (a.attempts, a.code) == (0, "external_id_exists")  # found before any POST
        assert (b.status, b.identifier) == ("conflict", "email_address b@example.com")
        assert b.message == f"email_address b@example.com belongs to {holder.id} (external_id z)"
    assert len(clerk_emulator.state.users.users) == 3


async def test_in_file_duplicates_make_one_account(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    records: list[Item] = [
        mapped("a", "same@example.com", index=1),
        mapped("a", "other@example.com", index=2),
        mapped("b", "same@example.com", index=3),
        invalid("c", index=4),
        skipped("d", index=5),
    ]
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.counts["created"] == 1
    assert summary.counts["duplicate"] == 2
    assert summary.counts["invalid"] == 1
    assert summary.counts["skipped"] == 1
    assert summary.exit_code == 1
    assert list(external_ids(clerk_emulator)) == ["a"]


async def test_a_rerun_sends_nothing_again(clerk_emulator: ClerkEmulator, tmp_path: Path) -> None:
    records = users(40)
    async with clerk_emulator.client() as clerk:
        await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
        posts_before = clerk_emulator.emulator.responses.get(200, 0)
        again = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert again.requests == 0
    assert clerk_emulator.emulator.responses.get(200, 0) == posts_before
    assert again.counts["created"] == 40


@pytest.mark.slow  # 60 users through a 20/1s limit: about 3 s
async def test_a_429_pauses_every_task(clerk_emulator: ClerkEmulator, tmp_path: Path) -> None:
    # The client believes in 10x Clerk's allowance: each 429 must hold every task back for its
    # Retry-After, or the 40 tasks would bounce off the limit some 200 times a second. Held back,
    # each wave of 40 meets at most one 429 each.
    clerk_emulator.rate_limit = "20/1s"
    async with clerk_emulator.client() as clerk:
        summary = await migrate(
            clerk, users(60), journal=tmp_path / "j.db", rate_limit="200/1s", concurrency=40
        )
    assert summary.counts["created"] == 60
    assert 1 <= summary.rate_limited <= 80, summary.lines()
    assert max(external_ids(clerk_emulator).values()) == 1


async def test_a_full_development_instance_stops_the_run(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    clerk_emulator.user_limit = 10
    async with clerk_emulator.client() as clerk:
        summary = await migrate(
            clerk, users(30), journal=tmp_path / "j.db", rate_limit=FAST, concurrency=4
        )
    assert summary.stopped is not None and "development instance" in summary.stopped
    assert summary.counts["created"] == 10
    assert summary.counts["pending"] == 20
    assert summary.exit_code == 2
    clerk_emulator.user_limit = None
    async with clerk_emulator.client() as clerk:
        resumed = await migrate(clerk, users(30), journal=tmp_path / "j.db", rate_limit=FAST)
    assert resumed.counts["created"] == 30
    assert resumed.exit_code == 0


async def test_failures_are_retried_by_retry_failed(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    clerk_emulator.faults = Faults(error_rate=1.0, methods=frozenset({"POST"}))
    path = tmp_path / "j.db"
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, users(3), journal=path, rate_limit=FAST, max_attempts=2)
        assert summary.counts["failed"] == 3
        assert summary.exit_code == 2
        assert set(summary.codes) <= {"internal_clerk_error", "bad_gateway", "service_unavailable"}
        clerk_emulator.faults = None
        again = await migrate(clerk, users(3), journal=path, rate_limit=FAST)
        assert again.counts["failed"] == 3  # a plain rerun resumes; it does not retry failures
        with Journal(path) as journal:
            journal.begin_run("retry-failed")
            assert journal.retry_failed() == 3
        retried = await migrate(clerk, users(3), journal=path, rate_limit=FAST)
    assert retried.counts["created"] == 3
    with Journal(path) as journal:
        assert all(row.attempts == 3 for row in journal.rows())


async def test_a_refused_key_stops_before_anything_is_lost(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    async with Clerk(bearer_auth="sk_test_wrong", server_url=clerk_emulator.url) as clerk:
        summary = await migrate(clerk, users(5), journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.stopped is not None and "refused the secret key" in summary.stopped
    assert summary.counts["pending"] == 5
    assert summary.exit_code == 2


def test_records_must_be_records(tmp_path: Path) -> None:
    from clerk_async.migrate.plan import to_mapped

    with pytest.raises(TypeError, match="not dict"):
        to_mapped({"external_id": "a"})  # type: ignore[arg-type]


async def test_the_throttle_pauses_its_limiter_on_a_429() -> None:
    from clerk_async._ratelimit import RateLimit, RateLimiter
    from clerk_async.errors import RateLimitError
    from clerk_async.migrate.throttle import Throttle

    limiter = RateLimiter(RateLimit(1000, 1.0), clock=lambda: 100.0)  # time stands still
    throttle = Throttle(limiter, 1000.0)

    async def limited() -> None:
        raise RateLimitError(status_code=429, headers={}, raw_body=b"", retry_after=3.0)

    with pytest.raises(RateLimitError):
        await throttle.call(limited)
    assert limiter.paused_for() == 3.0  # every caller now waits Retry-After out
    assert (throttle.requests, throttle.rate_limited) == (1, 1)


def test_concurrency_fills_the_bucket_at_the_latency() -> None:
    from clerk_async.migrate.throttle import concurrency_for

    assert concurrency_for(100.0, 0.1) == 24  # 2 x 100/s x 0.1 s, plus 4
    assert concurrency_for(100.0, 1.0) == 204
    assert concurrency_for(10.0, 0.001) == 5
    assert concurrency_for(None, 0.5) == 64
    assert concurrency_for(100_000.0, 10.0) == 512


def test_one_limiter_per_run() -> None:
    from clerk_async.migrate.limits import resolve_limiter

    own = Clerk(bearer_auth="sk_live_x", rate_limit="auto")
    limiter, rate = resolve_limiter(own, "5/1s")
    assert limiter is None and rate == 100.0  # the client's own limiter, never a second one
    plain = Clerk(bearer_auth="sk_test_x")
    limiter, rate = resolve_limiter(plain, "auto")
    assert limiter is not None and str(limiter.limit) == "100/10s" and rate == 10.0
    assert resolve_limiter(plain, None) == (None, None)
    assert resolve_limiter(plain, "off") == (None, None)


async def test_the_progress_counts_conflicts_as_the_summary_does(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    from clerk_async.migrate.runner import Progress

    async with clerk_emulator.client() as clerk:
        await clerk.users.create(email_address=["taken@example.com"])
        records = [
            mapped("a", "a@example.com", index=1),
            mapped("b", "a@example.com", index=2),  # a duplicate of a in the input
            mapped("c", "taken@example.com", index=3),  # in conflict with a user in Clerk
        ]
        seen: list[Progress] = []
        summary = await migrate(
            clerk, records, journal=tmp_path / "j.db", rate_limit=FAST, on_progress=seen.append
        )

    assert (summary.counts["duplicate"], summary.counts["conflict"]) == (1, 1)
    assert seen[-1].conflicts == 1


class _Fields(dict[str, Any]):
    """A record as read, which can tell whether anything still holds it."""


async def test_a_record_as_read_is_let_go_of_once_mapped(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    """What waits for its POST is what the POST needs, not the record as read: a run holds
    thousands of users between reading and sending them."""
    read: list[weakref.ref[_Fields]] = []
    most_held = 0

    def records() -> Iterator[SourceRecord]:
        nonlocal most_held
        for index in range(1, 301):
            most_held = max(most_held, sum(ref() is not None for ref in read))
            fields = _Fields(id=f"u{index}", email=f"u{index}@example.com")
            read.append(weakref.ref(fields))
            draft = UserDraft(emails=(Contact(f"u{index}@example.com", True),))
            yield SourceRecord(source="jsonl", source_id=f"u{index}", file="users.jsonl",
                               line=index, index=index, draft=draft, fields=fields)  # fmt: skip
            del fields, draft

    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records(), journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.counts["created"] == 300, summary.lines()
    assert most_held <= 1  # the one read just before, at most


def test_a_subclass_of_a_mapped_record_goes_to_its_base_s_importer() -> None:
    class Organization(MappedOrganization, frozen=True, kw_only=True):
        pass

    users, organizations = object(), object()
    importers = _Importers({QueuedUser: users, MappedOrganization: organizations})  # type: ignore[dict-item]
    assert importers[QueuedUser] is users
    assert importers[Organization] is organizations
    with pytest.raises(TypeError, match="no importer takes a str"):
        importers[str]


async def test_without_a_rate_limit_no_more_than_the_concurrency_are_sent_at_once(
    clerk_emulator: ClerkEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk_emulator.faults = Faults(latency=0.02, methods=frozenset({"POST"}))
    in_flight, most = 0, 0
    async with clerk_emulator.client() as clerk:
        send = clerk.send

        async def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight)
            try:
                return await send(*args, **kwargs)
            finally:
                in_flight -= 1

        monkeypatch.setattr(clerk, "send", counted)
        summary = await migrate(
            clerk, users(40), journal=tmp_path / "j.db", rate_limit=None, concurrency=4
        )
    assert summary.counts["created"] == 40
    assert most == 4
