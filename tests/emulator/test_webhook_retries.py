"""The default webhook retry schedule, driven by the emulator's frozen clock instead of waiting."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from clerk_async.emulator import ClerkEmulator


class FailingEndpoint:
    """A webhook endpoint that answers 500 to everything, counting what it gets."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.ids.append(request.headers["svix-id"])
        return web.Response(status=500)


@pytest.fixture
async def failing() -> AsyncIterator[tuple[FailingEndpoint, str]]:
    endpoint = FailingEndpoint()
    app = web.Application()
    app.router.add_post("/hooks", endpoint.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield endpoint, f"http://127.0.0.1:{port}/hooks"
    await runner.cleanup()


async def test_a_failing_webhook_is_retried_after_half_a_second_then_doubling_five_times(
    failing: tuple[FailingEndpoint, str],
) -> None:
    endpoint, url = failing
    async with ClerkEmulator(rate_limit=None, webhook_url=url) as emu:
        sender = emu.emulator.webhooks
        clock = emu.emulator.clock
        assert sender is not None
        emu.freeze_clock()  # nothing comes due unless the test moves the clock
        async with emu.client() as clerk:
            await clerk.users.create(first_name="Ada", skip_password_requirement=True)
        await sender.settle()
        (delivery,) = emu.webhook_deliveries

        waits: list[int] = []
        while delivery.next_attempt_at is not None:
            assert delivery.last_attempt_at is not None
            waits.append(delivery.next_attempt_at - delivery.last_attempt_at)
            attempts = delivery.attempts
            emu.advance_clock((delivery.next_attempt_at - clock.now_ms() - 1) / 1000)
            await sender.settle()
            assert delivery.attempts == attempts, "retried a millisecond early"
            emu.advance_clock(0.001)
            await sender.settle()
            assert delivery.attempts == attempts + 1, "not retried when due"

    assert waits == [500, 1000, 2000, 4000, 8000]
    assert (delivery.attempts, delivery.gave_up, delivery.error) == (6, True, "HTTP 500")
    assert endpoint.ids == [delivery.msg_id] * 6
