"""Control endpoints under ``/__emulator/`` (secret key required), for a server run from the CLI:

- ``GET /__emulator/config``: rate limit, faults, the clock, and response counts by status.
- ``GET /__emulator/requests``: the latest API requests (up to 100,000): ``[arrival, method,
  path, status]`` each, ``arrival`` in seconds of a monotonic clock, status 0 for a dropped
  connection; ``DELETE`` empties the list.
- ``POST /__emulator/reset``: forget every object, refill the rate limit, reset the clock.
- ``PUT /__emulator/faults`` with a JSON object of :class:`Faults` fields; ``DELETE`` clears them.
- ``PUT /__emulator/rate_limit`` with ``{"rate_limit": "100/10s"}`` or ``{"rate_limit": "off"}``.
- ``POST /__emulator/clock`` with ``{"advance": 3600}`` (seconds) and/or ``{"freeze": true}``.
- ``POST /__emulator/oauth_access_tokens`` with ``{"user_id", "client_id"?, "scopes"?,
  "seconds_until_expiration"?}``: a new OAuth access token (its secret under ``token``);
  ``POST /__emulator/oauth_access_tokens/{id}/revoke`` revokes one.
- ``/__emulator/billing/...`` and ``/__emulator/sessions/...``: see :mod:`.controls`.

The endpoints need only what :class:`Controlled` describes, which the emulator application is.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import unquote

import msgspec
from aiohttp import web

from .arrivals import Arrival
from .clock import Clock
from .controls import handle_controls
from .errors import APIError, not_found, param_invalid
from .faults import Faults
from .params import Body
from .ratelimit import RateLimit
from .state import State

__all__ = ["Controlled", "describe", "faults_from_mapping", "handle_control"]

_OAUTH_TOKENS = "oauth_access_tokens"


class Controlled(Protocol):
    """What the control endpoints change and report."""

    responses: dict[int, int]
    arrivals: deque[Arrival]
    state: State
    clock: Clock

    @property
    def rate_limit(self) -> RateLimit | None: ...

    @rate_limit.setter
    def rate_limit(self, value: RateLimit | str | None) -> None: ...

    @property
    def faults(self) -> Faults: ...

    @faults.setter
    def faults(self, value: Faults | None) -> None: ...

    @property
    def faults_injected(self) -> int: ...

    def reset(self) -> None: ...

    def advance_clock(self, seconds: float) -> None: ...

    def freeze_clock(self) -> None: ...


def describe(emulator: Controlled) -> dict[str, Any]:
    limit = emulator.rate_limit
    faults = {
        f.name: getattr(emulator.faults, f.name) for f in dataclasses.fields(Faults) if f.init
    }
    if faults["methods"] is not None:
        faults["methods"] = sorted(faults["methods"])
    clock = emulator.clock
    return {
        "rate_limit": "off" if limit is None else str(limit),
        "faults": faults,
        "faults_injected": emulator.faults_injected,
        "clock": {"now": clock.now_ms(), "offset": clock.offset, "frozen": clock.frozen},
        "responses": {str(k): v for k, v in sorted(emulator.responses.items())},
    }


def faults_from_mapping(values: Mapping[str, Any]) -> Faults:
    known = {f.name for f in dataclasses.fields(Faults) if f.init}
    for name in values:
        if name not in known:
            raise param_invalid(name, f"{name} is not a fault knob.")
    fields = dict(values)
    if fields.get("error_statuses") is not None:
        fields["error_statuses"] = tuple(fields["error_statuses"])
    if fields.get("methods") is not None:
        fields["methods"] = frozenset(fields["methods"])
    try:
        return Faults(**fields)
    except (TypeError, ValueError) as exc:
        raise APIError(422, "form_param_value_invalid", "invalid faults", str(exc)) from None


def change_clock(emulator: Controlled, body: Body) -> None:
    body.only(("advance", "freeze"))
    advance = body.data.get("advance")
    if body.flag("freeze"):
        emulator.freeze_clock()
    if advance is not None:
        try:
            emulator.advance_clock(advance)
        except (TypeError, ValueError) as exc:
            raise param_invalid("advance", str(exc)) from None


async def handle_control(emulator: Controlled, request: web.Request, path: str) -> Any:
    method, name = request.method, path.removeprefix("/__emulator/")
    if (method, name) == ("GET", "config"):
        return describe(emulator)
    if name == "requests" and method in ("GET", "DELETE"):
        entries = [list(entry) for entry in emulator.arrivals]
        if method == "DELETE":
            emulator.arrivals.clear()
        return {"requests": entries}
    if (method, name) == ("POST", "reset"):
        emulator.reset()
        return describe(emulator)
    if (method, name) == ("DELETE", "faults"):
        emulator.faults = None
        return describe(emulator)
    if method == "PUT" and name in ("faults", "rate_limit"):
        body = await _body(request)
        if name == "faults":
            emulator.faults = faults_from_mapping(body.data)
        else:
            try:
                emulator.rate_limit = body.data.get("rate_limit")
            except ValueError as exc:
                raise param_invalid("rate_limit", str(exc)) from None
        return describe(emulator)
    if (method, name) == ("POST", "clock"):
        change_clock(emulator, await _body(request))
        return describe(emulator)
    if (method, name) == ("POST", _OAUTH_TOKENS):
        return emulator.state.oauth_tokens.mint(await _body(request))
    parts = name.split("/")
    if method == "POST" and len(parts) == 3 and (parts[0], parts[2]) == (_OAUTH_TOKENS, "revoke"):
        body = await _body(request)
        return emulator.state.oauth_tokens.revoke_token(unquote(parts[1]), body)
    if name.startswith(("billing/", "sessions/")):
        return await handle_controls(emulator, request, path)
    raise not_found("control endpoint", f"{request.method} {path}")


async def _body(request: web.Request) -> Body:
    """The JSON object body (``{}`` when there is none)."""
    raw = await request.read()
    if not raw.strip():
        return Body({})
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise APIError(400, "request_body_invalid", "Request body invalid") from None
    if not isinstance(body, dict):
        raise APIError(400, "request_body_invalid", "Request body invalid")
    return Body(body)
