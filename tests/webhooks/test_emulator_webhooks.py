"""End to end: emulator state changes -> a webhook handler -> verify_webhook -> typed events."""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web

from clerk_async.emulator import ClerkEmulator
from clerk_async.emulator.cli import parse_args
from clerk_async.emulator.webhooks import WebhookSender, new_webhook_secret
from clerk_async.webhooks import (
    OrganizationCreatedEvent,
    OrganizationMembershipCreatedEvent,
    OrganizationMembershipDeletedEvent,
    SessionCreatedEvent,
    SessionRemovedEvent,
    SessionRevokedEvent,
    UserCreatedEvent,
    UserDeletedEvent,
    UserUpdatedEvent,
    WebhookEvent,
    WebhookVerificationError,
    verify_webhook,
)

SECRET = new_webhook_secret()
FAST_RETRIES = (0.01, 0.01, 0.01)


class AsyncHandler:
    """An aiohttp.web webhook endpoint that verifies what it gets; ``statuses`` scripts answers."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []
        self.ids: list[str] = []
        self.rejected: list[str] = []
        self.statuses: list[int] = []
        self.hold: asyncio.Event | None = None
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.ids.append(request.headers["svix-id"])
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        if self.statuses:
            return web.Response(status=self.statuses.pop(0))
        try:
            event = verify_webhook(await request.read(), request.headers, SECRET)
        except WebhookVerificationError as exc:
            self.rejected.append(exc.reason.value)
            return web.Response(status=400)
        self.events.append(event)
        return web.Response(status=204)


@pytest.fixture
async def handler() -> AsyncIterator[tuple[AsyncHandler, str]]:
    endpoint = AsyncHandler()
    app = web.Application()
    app.router.add_post("/clerk/webhooks", endpoint.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield endpoint, f"http://127.0.0.1:{port}/clerk/webhooks"
    await runner.cleanup()


async def test_state_changes_arrive_as_verified_typed_events(
    handler: tuple[AsyncHandler, str],
) -> None:
    endpoint, url = handler
    async with ClerkEmulator(rate_limit=None, webhook_url=url, webhook_secret=SECRET) as emu:
        async with emu.client() as clerk:
            user = await clerk.users.create(email_address=["ada@example.com"], first_name="Ada")
            await clerk.users.update(user.id, last_name="Lovelace")
            org = await clerk.organizations.create(name="Analytical", created_by=user.id)
            session = await clerk.sessions.create(user_id=user.id)
            await clerk.sessions.revoke(session.id)
            await clerk.users.delete(user.id)
        await emu.drain_webhooks()
        deliveries = emu.webhook_deliveries

    assert endpoint.rejected == []
    types = [type(event) for event in endpoint.events]
    assert types == [
        UserCreatedEvent,
        UserUpdatedEvent,
        OrganizationCreatedEvent,
        OrganizationMembershipCreatedEvent,
        SessionCreatedEvent,
        SessionRevokedEvent,
        OrganizationMembershipDeletedEvent,
        UserDeletedEvent,
    ]
    created, updated, org_created, member, session_created, revoked, left, deleted = endpoint.events
    assert isinstance(created, UserCreatedEvent) and created.data.first_name == "Ada"
    emails = created.data.email_addresses or []
    assert [email.email_address for email in emails] == ["ada@example.com"]
    assert isinstance(updated, UserUpdatedEvent) and updated.data.last_name == "Lovelace"
    assert isinstance(org_created, OrganizationCreatedEvent) and org_created.data.id == org.id
    assert isinstance(member, OrganizationMembershipCreatedEvent)
    assert member.data.role == "org:admin" and member.data.organization is not None
    assert member.data.organization.id == org.id
    assert isinstance(session_created, SessionCreatedEvent)
    assert session_created.data.user is not None and session_created.data.user.id == user.id
    assert session_created.data.status == "active"
    assert isinstance(revoked, SessionRevokedEvent) and revoked.data.status == "revoked"
    assert isinstance(left, OrganizationMembershipDeletedEvent)
    assert isinstance(deleted, UserDeletedEvent) and deleted.data.deleted is True
    assert {event.instance_id for event in endpoint.events} == {emu.emulator.instance_id}
    assert created.event_attributes is not None and created.event_attributes.http_request
    assert all(d.delivered and d.attempts == 1 and d.status == 204 for d in deliveries)
    assert [d.msg_id for d in deliveries] == endpoint.ids


async def test_the_api_answers_without_waiting_for_the_handler(
    handler: tuple[AsyncHandler, str],
) -> None:
    endpoint, url = handler
    endpoint.hold = asyncio.Event()
    async with ClerkEmulator(rate_limit=None, webhook_url=url, webhook_secret=SECRET) as emu:
        async with emu.client() as clerk:
            await clerk.users.create(first_name="Ada", skip_password_requirement=True)
            await asyncio.wait_for(endpoint.arrived.wait(), 10)
            # The handler holds the first webhook; the API still answers the next call.
            await clerk.users.create(first_name="Grace", skip_password_requirement=True)
            assert endpoint.events == []
        endpoint.hold.set()
        await emu.drain_webhooks()
    assert [e.data.first_name for e in endpoint.events] == ["Ada", "Grace"]  # type: ignore[union-attr]


async def test_failed_deliveries_are_retried_with_the_same_id_then_given_up(
    handler: tuple[AsyncHandler, str],
) -> None:
    endpoint, url = handler
    endpoint.statuses = [500, 503]
    async with ClerkEmulator(rate_limit=None, webhook_url=url, webhook_secret=SECRET) as emu:
        sender = emu.emulator.webhooks
        assert sender is not None
        sender.retry_delays = FAST_RETRIES
        async with emu.client() as clerk:
            await clerk.users.create(first_name="Ada", skip_password_requirement=True)
            await sender.drain()
            endpoint.statuses = [500] * 4
            await clerk.users.create(first_name="Grace", skip_password_requirement=True)
            await sender.drain()
        first, second = emu.webhook_deliveries

    assert (first.attempts, first.delivered, first.status) == (3, True, 204)
    assert (second.attempts, second.gave_up, second.error) == (4, True, "HTTP 500")
    assert endpoint.ids == [first.msg_id] * 3 + [second.msg_id] * 4
    assert len(endpoint.events) == 1


async def test_an_unreachable_endpoint_is_given_up_and_the_api_still_works() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    url = f"http://127.0.0.1:{port}/hooks"
    async with ClerkEmulator(rate_limit=None, webhook_url=url) as emu:
        assert emu.emulator.webhooks is not None
        emu.emulator.webhooks.retry_delays = FAST_RETRIES
        async with emu.client() as clerk:
            user = await clerk.users.create(first_name="Ada", skip_password_requirement=True)
            assert (await clerk.users.get(user.id)).first_name == "Ada"
        await emu.emulator.webhooks.drain()
        (delivery,) = emu.webhook_deliveries
    assert delivery.gave_up and delivery.attempts == 4 and delivery.status is None
    assert delivery.error is not None and "Connect" in delivery.error


# -- the blocking flavour: clerk_sync against a threaded emulator, a stdlib http.server handler --


class _StdlibHandler(http.server.BaseHTTPRequestHandler):
    events: list[WebhookEvent]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:  # http.server's headers object: case-insensitive ``get``
            self.events.append(verify_webhook(body, self.headers, SECRET))
            self.send_response(204)
        except WebhookVerificationError:
            self.send_response(400)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stdlib_handler() -> Iterator[tuple[list[WebhookEvent], str]]:
    events: list[WebhookEvent] = []
    handler = type("Handler", (_StdlibHandler,), {"events": events})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield events, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_sync_clients_drive_webhooks_too(stdlib_handler: tuple[list[WebhookEvent], str]) -> None:
    events, url = stdlib_handler
    with ClerkEmulator(rate_limit=None, webhook_url=url, webhook_secret=SECRET) as emu:
        assert emu.webhook_secret == SECRET
        with emu.sync_client() as clerk:
            user = clerk.users.create(first_name="Ada", skip_password_requirement=True)
            org = clerk.organizations.create(name="Engines")
            clerk.organization_memberships.create(org.id, user_id=user.id, role="org:member")
            clerk.organizations.delete(org.id)
        emu.wait_for_webhooks()
    assert [event.type for event in events] == [
        "user.created",
        "organization.created",
        "organizationMembership.created",
        "organizationMembership.deleted",
        "organization.deleted",
    ]


async def test_a_threaded_emulator_drains_for_async_code(
    handler: tuple[AsyncHandler, str],
) -> None:
    endpoint, url = handler
    with ClerkEmulator(rate_limit=None, webhook_url=url, webhook_secret=SECRET) as emu:
        async with emu.client() as clerk:
            await clerk.users.create(first_name="Ada", skip_password_requirement=True)
        await emu.drain_webhooks()
    assert [event.type for event in endpoint.events] == ["user.created"]


async def test_wait_for_webhooks_refuses_to_block_the_serving_loop() -> None:
    async with ClerkEmulator(webhook_url="http://127.0.0.1:9/") as emu:
        with pytest.raises(RuntimeError, match="drain_webhooks"):
            emu.wait_for_webhooks()


def test_without_a_webhook_url_nothing_is_sent() -> None:
    emulator = ClerkEmulator()
    assert emulator.webhook_secret is None and emulator.webhook_deliveries == []
    emulator.wait_for_webhooks()


@pytest.mark.parametrize(
    ("url", "secret", "match"),
    [
        ("ftp://x/", None, "http"),
        ("http://x/", "whsec_!!!", "webhook_secret"),
        ("http://x/", "whsec_", "webhook_secret"),
    ],
)
def test_bad_webhook_options_are_refused(url: str, secret: str | None, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        WebhookSender(url, secret, instance_id="ins_1")
    with pytest.raises(ValueError, match=match):
        ClerkEmulator(webhook_url=url, webhook_secret=secret)


def test_cli_webhook_options(capsys: pytest.CaptureFixture[str]) -> None:
    args, _ = parse_args(["--webhook-url", "http://127.0.0.1:8000/hooks"])
    assert args.webhook_url == "http://127.0.0.1:8000/hooks" and args.webhook_secret is None
    for argv in (
        ["--webhook-secret", SECRET],
        ["--webhook-url", "http://x/", "--webhook-secret", "nope!"],
        ["--webhook-url", "localhost:8000"],
    ):
        with pytest.raises(SystemExit):
            parse_args(argv)
    assert "webhook" in capsys.readouterr().err


async def test_deleting_a_user_removes_its_pending_sessions_too(
    handler: tuple[AsyncHandler, str],
) -> None:
    endpoint, url = handler
    async with ClerkEmulator(rate_limit=None, webhook_url=url, webhook_secret=SECRET) as emu:
        async with emu.client() as clerk:
            user = await clerk.users.create(email_address=["ada@example.com"])
            session = await clerk.sessions.create(user_id=user.id)
            emu.sessions.set_tasks(session.id, ["choose-organization"])
            await clerk.users.delete(user.id)
        await emu.drain_webhooks()

    removed = [e for e in endpoint.events if isinstance(e, SessionRemovedEvent)]
    assert [(e.data.id, e.data.status) for e in removed] == [(session.id, "removed")]
