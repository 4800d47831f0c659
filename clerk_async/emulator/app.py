"""The emulator as an aiohttp application: authentication, rate limit, faults, dispatch.

One catch-all route hands every request to :meth:`Emulator.handle`, which answers in Clerk's wire
format. Besides the API under ``/v1`` it serves ``/.well-known/jwks.json`` (no key needed, like a
Frontend API) and a few control endpoints under ``/__emulator/`` for a server started from the
command line.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

import msgspec
from aiohttp import web

from clerk_async._operations import ALL

from .arrivals import MAX_ARRIVALS, Arrival
from .clock import Clock
from .control import handle_control
from .errors import APIError, not_found, unauthorized
from .fallback import register_samples
from .faults import NO_FAULTS, NO_PLAN, FaultInjector, Faults, server_error
from .params import Body, Query
from .ratelimit import DEVELOPMENT, RateLimit, TokenBucket, parse_rate_limit
from .routes import MODELED
from .routes.machines import M2M_PATH
from .routing import Call, Router
from .state import State
from .state.common import new_id, random_token
from .tokens import SigningKey
from .webhooks import WebhookSender

__all__ = ["API_PREFIX", "Arrival", "Emulator", "build_router", "new_secret_key"]

logger = logging.getLogger("clerk.emulator")

API_PREFIX = "/v1"
_JSON = "application/json"
#: Paths served without a secret key: the operations the spec marks public (``Operation.auth``).
_PUBLIC_PATHS = frozenset(API_PREFIX + op.path for op in ALL if not op.auth)
#: Paths that also take a machine secret key (the M2M token operations).
_MACHINE_PATH = API_PREFIX + M2M_PATH
_encode = msgspec.json.encode
_decode = msgspec.json.decode
_EMPTY_QUERY = Query({})


def new_secret_key() -> str:
    return "sk_test_emulator_" + random_token(32)


def build_router(samples: bool = True) -> Router:
    """The modeled operations, then (if the generated surface is present) sampled ones."""
    router = Router()
    for method, template, handler in MODELED:
        router.add(method, template, handler)
    if samples:
        register_samples(router)
    return router


class Emulator:
    """State, knobs and request handling of one emulated Clerk instance."""

    def __init__(
        self,
        secret_key: str | None = None,
        *,
        rate_limit: RateLimit | str | None = DEVELOPMENT,
        faults: Faults | None = None,
        samples: bool = True,
        user_limit: int | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        endpoint_limits: Mapping[str, RateLimit | str] | None = None,
    ) -> None:
        self.secret_key = secret_key or new_secret_key()
        self._user_limit = user_limit
        self._auth = ("Bearer " + self.secret_key).encode()
        self.instance_id = new_id("ins_")
        #: Machine tokens expire, and webhook retries come due, by this clock.
        self.clock = Clock()
        #: Sends Svix-signed webhooks of every state change to ``webhook_url`` (if given).
        self.webhooks = (
            None
            if webhook_url is None
            else WebhookSender(
                webhook_url, webhook_secret, instance_id=self.instance_id, clock=self.clock
            )
        )
        self.key = SigningKey(kid=self.instance_id)
        self._origin = "http://127.0.0.1"
        self.router = build_router(samples)
        self.state = self._new_state()
        self._bucket: TokenBucket | None = None
        self.rate_limit = parse_rate_limit(rate_limit)
        self._endpoint_buckets: dict[str, TokenBucket] = {}
        self.endpoint_limits = endpoint_limits
        self._injector = FaultInjector(faults or NO_FAULTS)
        #: Requests answered, by status; a dropped connection counts as status 0.
        self.responses: dict[int, int] = {}
        #: The latest API requests answered, oldest first (status 0: the connection was dropped).
        self.arrivals: deque[Arrival] = deque(maxlen=MAX_ARRIVALS)

    # -- knobs ---------------------------------------------------------------------------------

    @property
    def origin(self) -> str:
        """``http://host:port``: the token issuer and the base of invitation and ticket URLs."""
        return self._origin

    @origin.setter
    def origin(self, value: str) -> None:
        self._origin = value
        self.state.frontend = value
        self.state.invitations.frontend = value
        self.state.sessions.issuer = value
        self.state.m2m_tokens.issuer = value

    @property
    def rate_limit(self) -> RateLimit | None:
        return None if self._bucket is None else self._bucket.limit

    @rate_limit.setter
    def rate_limit(self, value: RateLimit | str | None) -> None:
        limit = parse_rate_limit(value)
        self._bucket = None if limit is None else TokenBucket(limit)

    @property
    def endpoint_limits(self) -> dict[str, RateLimit]:
        """Limits of single operations, by ``"METHOD /template"`` (``"POST /invitations"``), each
        a token bucket of its own besides the instance's, as Clerk's hourly limits of the
        invitation operations; none unless set."""
        return {route: bucket.limit for route, bucket in self._endpoint_buckets.items()}

    @endpoint_limits.setter
    def endpoint_limits(self, value: Mapping[str, RateLimit | str] | None) -> None:
        buckets: dict[str, TokenBucket] = {}
        for route, spec in (value or {}).items():
            method, _, template = route.partition(" ")
            if not self.router.has(method, template):
                raise ValueError(
                    f"endpoint_limits: {route!r} is no route such as 'POST /invitations'"
                )
            limit = parse_rate_limit(spec)
            if limit is not None:
                buckets[f"{method} {template}"] = TokenBucket(limit)
        self._endpoint_buckets = buckets

    @property
    def user_limit(self) -> int | None:
        """At most this many users, like a development instance's 100 (None: no cap)."""
        return self._user_limit

    @user_limit.setter
    def user_limit(self, value: int | None) -> None:
        if value is not None and (type(value) is not int or value < 0):
            raise ValueError(f"user_limit must be a number of users or None, not {value!r}")
        self._user_limit = value
        self.state.users.user_limit = value

    @property
    def faults(self) -> Faults:
        return self._injector.faults

    @faults.setter
    def faults(self, value: Faults | None) -> None:
        self._injector = FaultInjector(value or NO_FAULTS)

    @property
    def faults_injected(self) -> int:
        return self._injector.injected

    def reset(self) -> None:
        """Forget every object, refill the rate limit, restart the fault sequence, put the clock
        back to the wall clock."""
        self.clock.reset()
        self.state = self._new_state()
        self.rate_limit = self.rate_limit
        self.endpoint_limits = self.endpoint_limits
        self.faults = self.faults
        self.responses = {}
        self.arrivals.clear()
        if self.webhooks is not None:
            self.webhooks.run_due()

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward; webhook retries it reaches are sent at once."""
        self.clock.advance(seconds)
        if self.webhooks is not None:
            self.webhooks.run_due()

    def freeze_clock(self) -> None:
        """Stop the emulator's clock following the wall clock (until :meth:`reset`)."""
        self.clock.freeze()

    def mint_oauth_token(
        self,
        user_id: str,
        *,
        client_id: str | None = None,
        scopes: Sequence[str] = (),
        seconds_until_expiration: float | None = None,
    ) -> dict[str, Any]:
        """An OAuth access token Clerk would have issued to ``client_id`` for ``user_id``: its
        record, the ``oat_...`` secret under ``token``."""
        fields: dict[str, Any] = {"user_id": user_id, "scopes": list(scopes)}
        if client_id is not None:
            fields["client_id"] = client_id
        if seconds_until_expiration is not None:
            fields["seconds_until_expiration"] = seconds_until_expiration
        return self.state.oauth_tokens.mint(Body(fields))

    def revoke_oauth_token(self, token: str, reason: str | None = None) -> dict[str, Any]:
        """Revoke an OAuth access token, given as its secret or its id."""
        fields = {} if reason is None else {"revocation_reason": reason}
        return self.state.oauth_tokens.revoke_token(token, Body(fields))

    def _new_state(self) -> State:
        state = State(
            key=self.key,
            issuer=self._origin,
            frontend=self._origin,
            instance_id=self.instance_id,
            clock=self.clock,
        )
        live = self.secret_key.startswith("sk_live_")
        state.environment_type = "production" if live else "development"
        state.users.user_limit = self._user_limit
        return state

    # -- serving -------------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        if self.webhooks is not None:
            app.on_startup.append(self.webhooks.start)
            app.on_cleanup.append(self.webhooks.stop)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw_path, _, raw_query = request.raw_path.partition("?")
        if not raw_path.startswith(API_PREFIX + "/"):
            return await self._handle_other(request, raw_path)
        arrived, status = time.monotonic(), 0
        try:
            response = await self._handle_api(request, raw_path, raw_query)
            status = response.status
            return response
        finally:
            self.arrivals.append(Arrival(arrived, request.method, raw_path, status))

    async def _handle_api(
        self, request: web.Request, raw_path: str, raw_query: str
    ) -> web.StreamResponse:
        header = request.headers.get("Authorization")
        caller: str | None = None
        if raw_path not in _PUBLIC_PATHS and not (
            header is not None and hmac.compare_digest(header.encode(), self._auth)
        ):
            machine = self._machine(raw_path, header)
            if machine is None:
                return self._error(_auth_error(header))
            caller = machine
        bucket = self._bucket
        if bucket is not None:
            wait = bucket.take()
            if wait is not None:
                return self._error(_rate_limited(wait))
        if self._endpoint_buckets:
            wait = self._endpoint_wait(request.method, raw_path[len(API_PREFIX) :])
            if wait is not None:
                return self._error(_rate_limited(wait))
        injector = self._injector
        plan = injector.plan(request.method) if injector.enabled else NO_PLAN
        if plan is not NO_PLAN:
            if plan.delay:
                await asyncio.sleep(plan.delay)
            if plan.drop_before:
                self._drop(request)
            if plan.status is not None:
                return self._error(server_error(plan.status))
        path = raw_path[len(API_PREFIX) :]
        status, payload = await self._dispatch(request, path, raw_query, caller)
        if plan.drop_after:
            self._drop(request)
        self.responses[status] = self.responses.get(status, 0) + 1
        return web.Response(body=payload, status=status, content_type=_JSON)

    def _endpoint_wait(self, method: str, path: str) -> float | None:
        match = self.router.match(method, path)
        if match is None:
            return None
        bucket = self._endpoint_buckets.get(f"{method} {match[0].template}")
        return None if bucket is None else bucket.take()

    def _machine(self, raw_path: str, header: str | None) -> str | None:
        """The machine a machine secret key belongs to, on the paths that take one."""
        if header is None or not header.startswith("Bearer "):
            return None
        if raw_path != _MACHINE_PATH and not raw_path.startswith(_MACHINE_PATH + "/"):
            return None
        machine = self.state.machines.by_secret(header.removeprefix("Bearer "))
        return None if machine is None else machine.id

    async def _dispatch(
        self, request: web.Request, path: str, raw_query: str, caller: str | None
    ) -> tuple[int, bytes]:
        match = self.router.match(request.method, path)
        if match is None:
            error = not_found("route", f"{request.method} {API_PREFIX}{path}")
            return error.status, error.body()
        route, params = match
        try:
            query = (
                Query(parse_qs(raw_query, keep_blank_values=True)) if raw_query else _EMPTY_QUERY
            )
            json: Any = None
            files: dict[str, bytes | str] | None = None
            if request.body_exists:
                if request.content_type.startswith("multipart/"):
                    files = await _read_form(request)
                else:
                    json = _parse_json(await request.read())
            call = Call(self.state, params, query, json, files, self._origin, caller)
            if self.webhooks is not None:
                result = self.webhooks.run(route, call, request)
            else:
                result = route.handler(call)
            return call.status, _encode(result)
        except APIError as error:
            return error.status, error.body()
        except Exception as exc:
            logger.exception("emulator handler %s failed", route.name)
            failure = server_error(500)
            failure.entries[0]["long_message"] = f"{type(exc).__name__}: {exc}"
            return failure.status, failure.body()

    async def _handle_other(self, request: web.Request, path: str) -> web.StreamResponse:
        if path == "/.well-known/jwks.json" and request.method == "GET":
            return web.Response(body=_encode(self.key.jwks()), content_type=_JSON)
        if path == "/__emulator/health":
            return web.Response(body=b'{"status":"ok"}', content_type=_JSON)
        if path.startswith("/__emulator/"):
            header = request.headers.get("Authorization")
            if header is None or not hmac.compare_digest(header.encode(), self._auth):
                return self._error(_auth_error(header))
            try:
                return web.Response(
                    body=_encode(await handle_control(self, request, path)), content_type=_JSON
                )
            except APIError as error:
                return self._error(error)
        return self._error(not_found("route", f"{request.method} {path}"))

    def _error(self, error: APIError) -> web.Response:
        self.responses[error.status] = self.responses.get(error.status, 0) + 1
        return web.Response(
            body=error.body(), status=error.status, headers=error.headers, content_type=_JSON
        )

    def _drop(self, request: web.Request) -> None:
        self.responses[0] = self.responses.get(0, 0) + 1
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise asyncio.CancelledError


def _auth_error(header: str | None) -> APIError:
    if header is None:
        return unauthorized(
            "authentication_invalid",
            "No Authorization header: send 'Authorization: Bearer <secret key>'.",
        )
    return unauthorized("clerk_key_invalid", "The secret key is not this instance's secret key.")


def _rate_limited(wait: float) -> APIError:
    retry_after = TokenBucket.retry_after(wait)
    error = APIError(
        429,
        "too_many_requests",
        "Too many requests",
        f"Too many requests: retry after {retry_after} s.",
        {"retry_after": int(retry_after)},
    )
    error.headers["Retry-After"] = retry_after
    return error


def _parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return _decode(raw)
    except msgspec.DecodeError:
        raise APIError(
            400,
            "request_body_invalid",
            "Request body invalid",
            "The request body is not valid JSON.",
        ) from None


async def _read_form(request: web.Request) -> dict[str, bytes | str]:
    form = await request.post()
    fields: dict[str, bytes | str] = {}
    for name, value in form.items():
        if isinstance(value, web.FileField):
            fields[name] = value.file.read()
        else:
            fields[name] = str(value)
    return fields
