"""``ClerkEmulator``: run the emulator inside a running event loop or in a background thread.

``async with ClerkEmulator() as emu:`` serves on the current loop; ``with ClerkEmulator() as emu:``
serves from a daemon thread with its own loop, for blocking code and for sync and async tests
alike. Either way ``emu.url`` and ``emu.secret_key`` are what a client needs, and the knobs
(``reset()``, ``rate_limit``, ``faults``, the clock) can be changed while it runs.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from .app import API_PREFIX, Emulator
from .arrivals import Arrival
from .controls import BillingControls, SessionControls
from .faults import Faults
from .ratelimit import DEVELOPMENT, RateLimit
from .state import State
from .webhooks import WebhookDelivery

if TYPE_CHECKING:
    import clerk_async
    import clerk_sync

__all__ = ["ClerkEmulator"]

T = TypeVar("T")


class ClerkEmulator:
    """A local Clerk Backend API on ``127.0.0.1`` (by default on a free port).

    ``rate_limit`` is ``"100/10s"`` (a development instance) unless given; ``"1000/10s"`` is a
    production instance and ``None`` or ``"off"`` disables it. ``faults`` injects errors, latency
    and dropped connections (see :class:`~clerk_async.emulator.Faults`). With ``webhook_url``,
    every state change is sent there as a Svix-signed Clerk webhook, signed with
    ``webhook_secret`` (random when not given; see :attr:`webhook_secret`). ``user_limit=100``
    caps the users like a development instance (403 ``user_quota_exceeded`` beyond). A
    ``secret_key`` starting ``sk_live_`` makes ``GET /instance`` say ``production``.
    ``endpoint_limits`` limits single operations besides the instance, by ``"METHOD /template"``
    (``{"POST /invitations": "100/1h"}``, as Clerk's hourly limits; none by default).
    :attr:`arrivals` lists the latest requests with the moment each arrived.
    """

    def __init__(
        self,
        *,
        secret_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: RateLimit | str | None = DEVELOPMENT,
        faults: Faults | None = None,
        samples: bool = True,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        user_limit: int | None = None,
        endpoint_limits: Mapping[str, RateLimit | str] | None = None,
    ) -> None:
        self.emulator = Emulator(
            secret_key,
            rate_limit=rate_limit,
            endpoint_limits=endpoint_limits,
            faults=faults,
            samples=samples,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            user_limit=user_limit,
        )
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- what clients need ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to pass as ``server_url``: ``http://127.0.0.1:<port>/v1``."""
        return self.origin + API_PREFIX

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def secret_key(self) -> str:
        return self.emulator.secret_key

    @property
    def jwt_key(self) -> str:
        """The instance's PEM public key (Clerk's "JWT public key"), for networkless checks."""
        return self.emulator.key.public_key_pem()

    @property
    def state(self) -> State:
        """The in-memory stores, for assertions (read them, do not change them)."""
        return self.emulator.state

    def client(self, **options: Any) -> clerk_async.Clerk:
        """An async ``Clerk`` pointed at this emulator."""
        from clerk_async import Clerk

        return Clerk(bearer_auth=self.secret_key, server_url=self.url, **options)

    def sync_client(self, **options: Any) -> clerk_sync.Clerk:
        """A blocking ``clerk_sync.Clerk`` pointed at this emulator."""
        from clerk_sync import Clerk

        return Clerk(bearer_auth=self.secret_key, server_url=self.url, **options)

    @property
    def webhook_secret(self) -> str | None:
        """The ``whsec_...`` secret webhooks are signed with (None without ``webhook_url``)."""
        sender = self.emulator.webhooks
        return None if sender is None else sender.secret

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """The latest webhook deliveries, oldest first (attempts, last status, outcome)."""
        sender = self.emulator.webhooks
        return [] if sender is None else list(sender.deliveries)

    async def drain_webhooks(self, timeout: float = 10.0) -> None:
        """Wait until every webhook sent so far is delivered or given up."""
        sender, loop = self.emulator.webhooks, self._loop
        if sender is None or loop is None:
            return
        if asyncio.get_running_loop() is loop:
            await sender.drain(timeout)
        else:  # served from a background thread
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(sender.drain(timeout), loop))

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """:meth:`drain_webhooks` for blocking code, with an emulator served from its thread."""
        sender, loop = self.emulator.webhooks, self._loop
        if sender is None or loop is None:
            return
        if self._thread is None or threading.current_thread() is self._thread:
            raise RuntimeError(
                "wait_for_webhooks would block the serving loop: await drain_webhooks()"
            )
        asyncio.run_coroutine_threadsafe(sender.drain(timeout), loop).result(timeout + 1)

    # -- knobs ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every object; refill the rate limit; restart the seeded fault sequence."""
        self._in_loop(self.emulator.reset)

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.emulator.rate_limit

    @rate_limit.setter
    def rate_limit(self, value: RateLimit | str | None) -> None:
        def apply() -> None:
            self.emulator.rate_limit = value

        self._in_loop(apply)

    @property
    def endpoint_limits(self) -> dict[str, RateLimit]:
        """Limits of single operations, by ``"POST /invitations"`` (see ``Emulator``)."""
        return self.emulator.endpoint_limits

    @endpoint_limits.setter
    def endpoint_limits(self, value: Mapping[str, RateLimit | str] | None) -> None:
        def apply() -> None:
            self.emulator.endpoint_limits = value

        self._in_loop(apply)

    @property
    def arrivals(self) -> list[Arrival]:
        """The latest API requests answered, oldest first: when each arrived (monotonic), its
        method, raw path and status."""
        return self._in_loop(lambda: list(self.emulator.arrivals))

    @property
    def user_limit(self) -> int | None:
        return self.emulator.user_limit

    @user_limit.setter
    def user_limit(self, value: int | None) -> None:
        def apply() -> None:
            self.emulator.user_limit = value

        self._in_loop(apply)

    @property
    def faults(self) -> Faults:
        return self.emulator.faults

    @faults.setter
    def faults(self, value: Faults | None) -> None:
        def apply() -> None:
            self.emulator.faults = value

        self._in_loop(apply)

    @property
    def faults_injected(self) -> int:
        return self.emulator.faults_injected

    def jwks(self) -> dict[str, Any]:
        return self.emulator.key.jwks()

    # -- the clock and machine tokens ----------------------------------------------------------

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock ``seconds`` forward: machine tokens expire by it, and webhook
        retries it reaches are sent at once. :meth:`reset` puts it back to the wall clock."""
        self._in_loop(lambda: self.emulator.advance_clock(seconds))

    def freeze_clock(self) -> None:
        """Stop the emulator's clock following the wall clock: it moves only by
        :meth:`advance_clock` (until :meth:`reset`)."""
        self._in_loop(self.emulator.freeze_clock)

    def mint_oauth_token(
        self,
        user_id: str,
        *,
        client_id: str | None = None,
        scopes: Sequence[str] = (),
        seconds_until_expiration: float | None = None,
    ) -> dict[str, Any]:
        """An OAuth access token, as if ``user_id`` had granted it to the OAuth app
        ``client_id`` (made up when not given), valid for an hour unless told otherwise: its
        record, with the ``oat_...`` secret under ``token``."""
        return self._in_loop(
            lambda: self.emulator.mint_oauth_token(
                user_id,
                client_id=client_id,
                scopes=scopes,
                seconds_until_expiration=seconds_until_expiration,
            )
        )

    def revoke_oauth_token(self, token: str, reason: str | None = None) -> dict[str, Any]:
        """Revoke an OAuth access token (its secret or its id); its record."""
        return self._in_loop(lambda: self.emulator.revoke_oauth_token(token, reason))

    # -- billing and sessions ------------------------------------------------------------------

    @property
    def billing(self) -> BillingControls:
        """Plans and features, and who is subscribed to which (``pla``/``fea`` of tokens)."""
        return BillingControls(self.emulator, self._in_loop)

    @property
    def sessions(self) -> SessionControls:
        """A session's factor verification ages and tasks (``fva``/``sts`` of tokens)."""
        return SessionControls(self.emulator, self._in_loop)

    def public_key_pem(self) -> str:
        """The PEM public key session tokens verify with (as ``CLERK_JWT_KEY`` would hold)."""
        return self.emulator.key.public_key_pem()

    # -- async lifecycle -----------------------------------------------------------------------

    async def start(self) -> ClerkEmulator:
        """Serve on the running event loop."""
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        runner = web.AppRunner(
            self.emulator.application(),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            self.port = sock.getsockname()[1]
            await web.SockSite(runner, sock).start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner = runner
        self._loop = asyncio.get_running_loop()
        self.emulator.origin = self.origin
        return self

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> ClerkEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- background-thread lifecycle ------------------------------------------------------------

    def start_in_thread(self) -> ClerkEmulator:
        """Serve from a daemon thread with its own event loop; returns once it listens."""
        if self._thread is not None or self._runner is not None:
            raise RuntimeError("the emulator is already running")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        thread = threading.Thread(target=serve, name="clerk-emulator", daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            raise failure[0]
        self._thread = thread
        return self

    def stop_thread(self) -> None:
        thread, self._thread = self._thread, None
        loop = self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    def __enter__(self) -> ClerkEmulator:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_thread()

    def _in_loop(self, action: Callable[[], T]) -> T:
        """Run ``action`` on the server's loop (waiting for it) when called from another thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or threading.current_thread() is thread:
            return action()
        if not loop.is_running():
            return action()

        async def run() -> T:
            return action()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(10)

    def __repr__(self) -> str:
        running = self._runner is not None
        return f"ClerkEmulator(url={self.url!r}, running={running})"
