"""Raw HTTP access to the emulator for tests: status and decoded JSON, nothing in between."""

from __future__ import annotations

from typing import Any

import aiohttp
import msgspec

from clerk_async._operations import ALL
from clerk_async._response import operation_body_type
from clerk_async.emulator import ClerkEmulator
from clerk_async.emulator.routing import Router

_SPEC_ROUTES = Router()
_RESPONSE_TYPES: dict[tuple[str, str], Any] = {}
for _op in ALL:
    _SPEC_ROUTES.add(_op.method, _op.path, lambda call: None, _op.operation_id)
    _RESPONSE_TYPES[(_op.method, _op.path)] = operation_body_type(_op)


def check_conforms(method: str, path: str, raw: bytes) -> None:
    """A 2xx body must decode into the generated model of the operation it answers."""
    match = _SPEC_ROUTES.match(method, path.partition("?")[0])
    if match is None:
        return
    kind = _RESPONSE_TYPES[(method, match[0].template)]
    if kind is None:
        return
    try:
        msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise AssertionError(f"{method} {path}: the body does not decode: {exc}") from None


class Reply:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: Any) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def code(self) -> str | None:
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return errors[0]["code"] if errors else None

    @property
    def param(self) -> str | None:
        errors = self.body.get("errors") if isinstance(self.body, dict) else None
        return errors[0]["meta"].get("param_name") if errors else None

    def __repr__(self) -> str:
        return f"<Reply {self.status} {self.body!r:.300}>"


class Api:
    """``await api.post("/users", {...})`` -> :class:`Reply`; the path is below ``/v1``."""

    def __init__(self, emulator: ClerkEmulator, session: aiohttp.ClientSession) -> None:
        self.emulator = emulator
        self.session = session
        self.headers = {"Authorization": "Bearer " + emulator.secret_key}

    async def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        params: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        body = None if json is None else msgspec.json.encode(json)
        sent = dict(self.headers if headers is None else headers)
        if body is not None:
            sent["Content-Type"] = "application/json"
        async with self.session.request(
            method,
            self.emulator.url + path,
            data=body if data is None else data,
            params=params,
            headers=sent,
        ) as response:
            raw = await response.read()
            if 200 <= response.status < 300:
                check_conforms(method, path, raw)
            decoded = msgspec.json.decode(raw) if raw else None
            return Reply(response.status, dict(response.headers), decoded)

    async def get(self, path: str, **params: Any) -> Reply:
        return await self.request("GET", path, params=_query(params))

    async def post(self, path: str, json: Any = None) -> Reply:
        return await self.request("POST", path, json)

    async def patch(self, path: str, json: Any = None) -> Reply:
        return await self.request("PATCH", path, json)

    async def put(self, path: str, json: Any = None) -> Reply:
        return await self.request("PUT", path, json)

    async def delete(self, path: str) -> Reply:
        return await self.request("DELETE", path)

    async def user(self, **fields: Any) -> dict[str, Any]:
        reply = await self.post("/users", fields)
        assert reply.status == 200, reply
        result: dict[str, Any] = reply.body
        return result


def _query(params: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            pairs.append((name, text))
    return pairs
