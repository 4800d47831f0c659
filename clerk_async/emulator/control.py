"""Control endpoints under ``/__emulator/`` (secret key required), for a server run from the CLI:

- ``GET /__emulator/config``: rate limit, faults, and response counts by status.
- ``POST /__emulator/reset``: forget every object, refill the rate limit.
- ``PUT /__emulator/faults`` with a JSON object of :class:`Faults` fields; ``DELETE`` clears them.
- ``PUT /__emulator/rate_limit`` with ``{"rate_limit": "100/10s"}`` or ``{"rate_limit": "off"}``.
- ``/__emulator/billing/...`` and ``/__emulator/sessions/...``: see :mod:`.controls`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from .errors import APIError, not_found, param_invalid
from .faults import Faults

if TYPE_CHECKING:
    from .app import Emulator

__all__ = ["describe", "faults_from_mapping", "handle_control"]


def describe(emulator: Emulator) -> dict[str, Any]:
    limit = emulator.rate_limit
    faults = {
        f.name: getattr(emulator.faults, f.name) for f in dataclasses.fields(Faults) if f.init
    }
    if faults["methods"] is not None:
        faults["methods"] = sorted(faults["methods"])
    return {
        "rate_limit": "off" if limit is None else str(limit),
        "faults": faults,
        "faults_injected": emulator.faults_injected,
        "responses": {str(k): v for k, v in sorted(emulator.responses.items())},
    }


def faults_from_mapping(values: dict[str, Any]) -> Faults:
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


async def handle_control(emulator: Emulator, request: web.Request, path: str) -> Any:
    action = (request.method, path.removeprefix("/__emulator/"))
    if action == ("GET", "config"):
        return describe(emulator)
    if action == ("POST", "reset"):
        emulator.reset()
        return describe(emulator)
    if action == ("DELETE", "faults"):
        emulator.faults = None
        return describe(emulator)
    if action[0] == "PUT" and action[1] in ("faults", "rate_limit"):
        try:
            body = msgspec.json.decode(await request.read())
        except msgspec.DecodeError:
            raise APIError(400, "request_body_invalid", "Request body invalid") from None
        if not isinstance(body, dict):
            raise APIError(400, "request_body_invalid", "Request body invalid")
        if action[1] == "faults":
            emulator.faults = faults_from_mapping(body)
        else:
            try:
                emulator.rate_limit = body.get("rate_limit")
            except ValueError as exc:
                raise param_invalid("rate_limit", str(exc)) from None
        return describe(emulator)
    if action[1].startswith(("billing/", "sessions/")):
        from .controls import handle_controls

        return await handle_controls(emulator, request, path)
    raise not_found("control endpoint", f"{request.method} {path}")
