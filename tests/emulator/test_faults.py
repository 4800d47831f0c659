"""Fault injection, knob by knob, and what our client does about each fault."""

from __future__ import annotations

import time

import pytest

from clerk_async import BackoffStrategy, RetryConfig
from clerk_async.emulator import ClerkEmulator, Faults

from .support import Api

FAST = RetryConfig("backoff", BackoffStrategy(10, 50, 2.0, 10_000), True, max_retries=3)


async def test_server_errors_before_anything_is_applied(emu: ClerkEmulator, api: Api) -> None:
    emu.faults = Faults(error_rate=1.0, error_statuses=(502,))

    reply = await api.post("/users", {"username": "never_made"})

    assert (reply.status, reply.code) == (502, "bad_gateway")
    assert set(reply.body) == {"errors", "clerk_trace_id"}
    assert emu.state.users.users == {}
    assert emu.faults_injected == 1


async def test_latency(emu: ClerkEmulator, api: Api) -> None:
    emu.faults = Faults(latency=0.15, latency_jitter=0.05)
    started = time.monotonic()
    reply = await api.get("/users")
    assert reply.status == 200
    assert time.monotonic() - started >= 0.15  # the latency was applied


async def test_faults_can_target_methods(emu: ClerkEmulator, api: Api) -> None:
    emu.faults = Faults(error_rate=1.0, methods=frozenset({"post"}))
    assert (await api.get("/users")).status == 200
    assert (await api.post("/users", {})).status >= 500


async def test_the_fault_sequence_is_seeded(emu: ClerkEmulator, api: Api) -> None:
    async def pattern() -> list[int]:
        return [(await api.get("/users")).status for _ in range(40)]

    emu.faults = Faults(error_rate=0.3, seed=7)
    first = await pattern()
    emu.faults = Faults(error_rate=0.3, seed=7)
    second = await pattern()
    emu.reset()  # reset restarts the same sequence
    third = await pattern()
    emu.faults = Faults(error_rate=0.3, seed=8)
    other = await pattern()

    assert first == second == third
    assert first != other
    assert 0 < sum(status >= 500 for status in first) < 40


def test_faults_are_validated() -> None:
    with pytest.raises(ValueError):
        Faults(error_rate=0.7, drop_after=0.5)
    with pytest.raises(ValueError):
        Faults(error_statuses=(404,))
    with pytest.raises(ValueError):
        Faults(latency=-1)
    assert not Faults().enabled
    assert Faults(latency=0.01).enabled
