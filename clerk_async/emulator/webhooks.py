"""The emulator's webhooks: Svix-signed deliveries of its state changes to one endpoint.

An event is encoded when its write happens (its data is a snapshot), queued, and POSTed by one
background task on the serving loop, so the API answers without waiting for the handler. Every
attempt is signed afresh with :func:`clerk_async.webhooks.sign_webhook` (same ``svix-id``, new
timestamp), as Svix does; an attempt without a 2xx answer is retried after the next of
``retry_delays`` seconds, then given up. ``deliveries`` records the outcome of the latest ones.

Retries come due on the emulator's clock (:mod:`.clock`): a wall-clock timer sends them on time,
and :meth:`WebhookSender.run_due` sends at once those that moving the clock forward made due (a
frozen clock arms no timer: its retries wait for the clock to reach them).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
import msgspec

from clerk_async.webhooks import WebhookVerificationError, sign_webhook

from .clock import Clock
from .state.common import now_ms
from .webhook_events import RULES, snapshot

if TYPE_CHECKING:
    from aiohttp import web

    from .routing import Call, Route

__all__ = ["DEFAULT_RETRY_DELAYS", "WebhookDelivery", "WebhookSender", "new_webhook_secret"]

logger = logging.getLogger("clerk.emulator.webhooks")

#: Seconds before each retry (Svix waits 5 s, 5 min, 30 min, ...; a local test cannot).
DEFAULT_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
ATTEMPT_TIMEOUT_S = 5.0
HISTORY = 1000
USER_AGENT = "clerk-emulator-webhooks"


def new_webhook_secret() -> str:
    """A random signing secret in Svix's format: ``whsec_`` + base64 of 24 bytes."""
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


@dataclass
class WebhookDelivery:
    """One event's delivery: its attempts so far and how the last one went."""

    msg_id: str
    type: str
    attempts: int = 0
    status: int | None = None  # the last answer's HTTP status; None without an answer
    delivered: bool = False
    gave_up: bool = False
    error: str | None = None
    #: When the last attempt ended, and when the next one is due (None: none is scheduled), in
    #: Unix milliseconds of the emulator's clock.
    last_attempt_at: int | None = None
    next_attempt_at: int | None = None


@dataclass(eq=False)
class _Message:
    body: bytes
    delivery: WebhookDelivery
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)
    due_ms: int = 0


class WebhookSender:
    """Sends the emulator's events to ``url``, signed with ``secret`` (random if not given)."""

    def __init__(
        self,
        url: str,
        secret: str | None = None,
        *,
        instance_id: str,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout_s: float = ATTEMPT_TIMEOUT_S,
        clock: Clock | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"webhook_url must be an http(s) URL, not {url!r}")
        self.url = url
        self.secret = secret or new_webhook_secret()
        try:
            sign_webhook(b"", self.secret)
        except WebhookVerificationError as exc:
            raise ValueError(f"webhook_secret: {exc}") from None
        self.instance_id = instance_id
        self.retry_delays = tuple(retry_delays)
        self.timeout_s = timeout_s
        self.clock = clock or Clock()
        self.deliveries: deque[WebhookDelivery] = deque(maxlen=HISTORY)
        self._queue: asyncio.Queue[_Message] | None = None
        self._idle: asyncio.Event | None = None
        self._quiet: asyncio.Event | None = None
        self._pending = 0  # events neither delivered nor given up
        self._busy = 0  # events queued or being sent
        self._retrying: set[_Message] = set()
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"WebhookSender(url={self.url!r}, pending={self._pending})"

    # -- lifecycle (aiohttp application signals) -------------------------------------------------

    async def start(self, app: web.Application | None = None) -> None:
        self._queue = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
        self._task = asyncio.create_task(self._work(), name="clerk-emulator-webhooks")

    async def stop(self, app: web.Application | None = None) -> None:
        """Give queued events a moment to go out, then stop retrying."""
        if self._task is None:
            return
        try:
            await self.drain(timeout=1.0)
        except TimeoutError:
            logger.warning("emulator stopped with %d webhook(s) undelivered", self._pending)
        for message in self._retrying:
            if message.timer is not None:
                message.timer.cancel()
        self._retrying.clear()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every event is delivered or given up (``TimeoutError`` after ``timeout``)."""
        if self._idle is None:
            return
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"{self._pending} webhook(s) still undelivered") from None

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until no event is queued or being sent; retries waiting for their time may remain
        (with a frozen clock, until it is advanced)."""
        if self._quiet is None:
            return
        try:
            await asyncio.wait_for(self._quiet.wait(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"{self._busy} webhook(s) still being sent") from None

    # -- events ----------------------------------------------------------------------------------

    def run(self, route: Route, call: Call, request: web.Request) -> Any:
        """Run ``route``'s handler; queue the events its success causes."""
        rule = RULES.get((route.method, route.template))
        if rule is None:
            return route.handler(call)
        seen = snapshot(rule, call)
        result = route.handler(call)
        try:
            events = rule.emit(call, result, seen)
        except Exception:  # a webhook must never break the API answer
            logger.exception("building the webhook events of %s failed", route.name)
            return result
        attributes = {
            "http_request": {
                "client_ip": request.remote or "",
                "user_agent": request.headers.get("User-Agent", ""),
            }
        }
        for event_type, data in events:
            self.send(event_type, data, attributes)
        return result

    def send(
        self, event_type: str, data: Any, attributes: dict[str, Any] | None = None
    ) -> WebhookDelivery:
        """Queue one event (on the serving loop), as Clerk would send it."""
        payload = {
            "data": data,
            "event_attributes": attributes or {"http_request": {"client_ip": "", "user_agent": ""}},
            "instance_id": self.instance_id,
            "object": "event",
            "timestamp": now_ms(),
            "type": event_type,
        }
        delivery = WebhookDelivery(msg_id=_new_msg_id(), type=event_type)
        self.deliveries.append(delivery)
        if self._queue is None or self._idle is None:
            delivery.gave_up, delivery.error = True, "the emulator is not serving"
            return delivery
        self._pending += 1
        self._idle.clear()
        self._enqueue(_Message(msgspec.json.encode(payload), delivery))
        return delivery

    # -- delivery --------------------------------------------------------------------------------

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            message = await self._queue.get()
            try:
                await self._attempt(message)
            except Exception:
                logger.exception("webhook delivery failed unexpectedly")
                self._finish(message, gave_up=True)
            finally:
                self._busy -= 1
                if self._busy == 0 and self._quiet is not None:
                    self._quiet.set()

    async def _attempt(self, message: _Message) -> None:
        assert self._session is not None
        delivery = message.delivery
        delivery.attempts += 1
        headers = sign_webhook(message.body, self.secret, msg_id=delivery.msg_id)
        headers["Content-Type"] = "application/json"
        try:
            async with self._session.post(
                self.url,
                data=message.body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                allow_redirects=False,
            ) as response:
                await response.read()
                delivery.status = response.status
                delivery.error = None if response.ok else f"HTTP {response.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            delivery.status = None
            delivery.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        delivery.last_attempt_at = self.clock.now_ms()
        if delivery.error is None:
            delivery.delivered = True
            self._finish(message, gave_up=False)
        elif delivery.attempts > len(self.retry_delays):
            logger.warning(
                "webhook %s (%s) given up after %d attempts: %s",
                delivery.msg_id,
                delivery.type,
                delivery.attempts,
                delivery.error,
            )
            self._finish(message, gave_up=True)
        else:
            delay_ms = round(self.retry_delays[delivery.attempts - 1] * 1000)
            message.due_ms = delivery.last_attempt_at + delay_ms
            delivery.next_attempt_at = message.due_ms
            self._retrying.add(message)
            self._arm(message)

    def run_due(self) -> None:
        """Send now the retries the clock has reached; re-time the others (after it moved)."""
        now = self.clock.now_ms()
        for message in sorted(self._retrying, key=lambda m: m.due_ms):
            if message.timer is not None:
                message.timer.cancel()
                message.timer = None
            if message.due_ms <= now:
                self._retry(message)
            else:
                self._arm(message)

    def _arm(self, message: _Message) -> None:
        if self.clock.frozen:
            return
        delay = max(0.0, (message.due_ms - self.clock.now_ms()) / 1000)
        message.timer = asyncio.get_running_loop().call_later(delay, self._timer_fired, message)

    def _timer_fired(self, message: _Message) -> None:
        message.timer = None
        if message.due_ms <= self.clock.now_ms():
            self._retry(message)
        else:  # the clock was frozen or reset meanwhile
            self._arm(message)

    def _retry(self, message: _Message) -> None:
        self._retrying.discard(message)
        message.delivery.next_attempt_at = None
        self._enqueue(message)

    def _enqueue(self, message: _Message) -> None:
        if self._queue is None or self._quiet is None:
            return
        self._busy += 1
        self._quiet.clear()
        self._queue.put_nowait(message)

    def _finish(self, message: _Message, *, gave_up: bool) -> None:
        message.delivery.gave_up = gave_up
        self._pending -= 1
        if self._pending == 0 and self._idle is not None:
            self._idle.set()


def _new_msg_id() -> str:
    return "msg_" + base64.b32encode(os.urandom(15)).decode().lower()
