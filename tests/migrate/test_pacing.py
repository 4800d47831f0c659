"""A migration paces its requests evenly, and a resumed run keeps to the pace (and the 429 pause)
of the run it resumes: asserted on the send slots the limiter books, not on wall-clock time."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import anyio
import pytest

from clerk_async._ratelimit import RateLimit, RateLimiter, spacing
from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate import limits
from clerk_async.migrate.journal import Journal
from clerk_async.migrate.runner import migrate
from tests.migrate.engine_support import users

LIMIT = RateLimit(50, 1.0)
#: Slack for turning the limiter's clock into wall-clock moments, twice (not a timing bound).
CLOCKS = 1e-3


class RecordingLimiter(RateLimiter):
    """The run's limiter, noting each send slot it books, as a ``time.time()`` moment."""

    __slots__ = ("slots",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots: list[float] = []

    def reserve(self) -> float:
        wait = super().reserve()
        self.slots.append(time.time() + wait)
        return wait


@pytest.fixture
def booked(monkeypatch: pytest.MonkeyPatch) -> list[RecordingLimiter]:
    made: list[RecordingLimiter] = []

    def make(limit: RateLimit) -> RecordingLimiter:
        made.append(RecordingLimiter(limit))
        return made[-1]

    monkeypatch.setattr(limits, "RateLimiter", make)
    return made


async def test_sends_are_spaced_evenly_from_the_first(
    clerk_emulator: ClerkEmulator, tmp_path: Path, booked: list[RecordingLimiter]
) -> None:
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, users(30), journal=tmp_path / "j.db", rate_limit=LIMIT)

    assert summary.counts["created"] == 30
    (limiter,) = booked
    slots = limiter.slots
    assert len(slots) == summary.requests == 31  # one lookup, thirty POSTs
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert min(gaps) >= spacing(LIMIT) - CLOCKS  # never two sends closer than the pace


async def test_a_resumed_run_keeps_to_the_pace_and_pause_of_the_killed_one(
    clerk_emulator: ClerkEmulator, tmp_path: Path, booked: list[RecordingLimiter]
) -> None:
    path = tmp_path / "j.db"
    async with clerk_emulator.client() as clerk:
        await migrate(clerk, users(5), journal=path, rate_limit=LIMIT)
    with Journal(path) as journal:
        saved = journal.pacing()
        assert saved is not None and saved[0] >= booked[0].slots[-1]  # the run left its pace
        now = time.time()  # as a run killed mid-flight, paused by a 429, leaves it:
        journal.save_pacing(next_send_at=now + 0.4, paused_until=now + 0.25)

    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, users(10), journal=path, rate_limit=LIMIT)

    assert summary.counts["created"] == 10
    resumed = booked[1].slots
    assert min(resumed) >= now + 0.4 - CLOCKS  # nothing sent before the killed run's next slot


async def test_the_clients_own_limiter_is_the_one_carried_over(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    path = tmp_path / "j.db"
    with Journal(path) as journal:
        journal.save_pacing(next_send_at=time.time() + 60, paused_until=0.0)
    async with clerk_emulator.client(rate_limit="50/1s") as clerk:
        assert isinstance(clerk.rate_limiter, RateLimiter)
        with anyio.move_on_after(0.3):  # the run waits for the saved slot; stop waiting
            await migrate(clerk, users(1), journal=path, rate_limit=None)
        next_send, _ = clerk.rate_limiter.ahead()
    assert next_send > 59  # held back by the saved pace, on the client's own limiter
    assert clerk_emulator.state.users.users == {}  # nothing was sent


async def test_a_request_late_for_its_slot_books_another() -> None:
    """The event loop held up past a request's slot: the request does not go at once with every
    other late one (a second crowded over the rate); it books the next free slot."""
    from clerk_async._ratelimit import RateLimit, RateLimiter, spacing
    from clerk_async.migrate.throttle import LATE, wait_in_step

    now = [100.0]
    limit = RateLimit(10, 1.0)
    limiter = RateLimiter(limit, clock=lambda: now[0])
    limiter.reserve()  # a request went now: the next slot is one spacing away

    async def held_up(seconds: float) -> None:
        now[0] += seconds + 3 * LATE

    await wait_in_step(limiter, clock=lambda: now[0], sleep=held_up)
    assert limiter.ahead()[0] == pytest.approx(spacing(limit))  # a slot booked after the hold-up

    async def on_time(seconds: float) -> None:
        now[0] += seconds

    before = limiter.ahead()[0]
    await wait_in_step(limiter, clock=lambda: now[0], sleep=on_time)
    assert limiter.ahead()[0] == pytest.approx(spacing(limit))  # its own slot, no other booked
    assert before == pytest.approx(spacing(limit))
