"""A real HTTP server on 127.0.0.1, run in a background thread, that answers from a script.

Tests of the request engine use it to produce exact statuses, headers, delays and dropped
connections; it records every request it receives so that tests can assert what went over the wire.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web
from multidict import CIMultiDict

SECRET_KEY = "sk_test_scripted_0123456789abcdef"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: "reset" drops the connection without answering; "garbage" answers bytes that are not
    #: HTTP; "trickle" sends the headers, then the body a byte every ``trickle`` seconds.
    action: Literal["reset", "garbage", "trickle"] | None = None
    trickle: float = 0.2

    def render(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if self.json is not None:
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.json).encode(), headers
        return self.body, headers


@dataclass(frozen=True)
class Received:
    method: str
    path: str  # raw, still percent-encoded
    query: str  # as aiohttp's parser hands it over: characters legal in a query come decoded
    headers: CIMultiDict[str]  # case-insensitive, as HTTP header names are
    body: bytes


def clerk_error(status: int, code: str, message: str, trace: str = "trace_123") -> Reply:
    body = {
        "errors": [{"code": code, "message": message, "long_message": message + ".", "meta": {}}],
        "clerk_trace_id": trace,
    }
    return Reply(status=status, json=body)


class ScriptedServer:
    def __init__(self) -> None:
        self._script: dict[tuple[str, str], deque[Reply]] = {}
        self._lock = threading.Lock()
        self.received: list[Received] = []
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="scripted-server", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ScriptedServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.received.clear()

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Answer ``method path`` with ``replies`` in turn; the last one repeats."""
        with self._lock:
            self._script[(method, path)] = deque(replies)

    def requests_to(self, method: str, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.method == method and r.path == path]

    def _next_reply(self, method: str, path: str) -> Reply:
        with self._lock:
            replies = self._script.get((method, path))
            if not replies:
                return clerk_error(404, "resource_not_found", f"nothing scripted for {path}")
            return replies.popleft() if len(replies) > 1 else replies[0]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        raw_path, _, raw_query = request.raw_path.partition("?")
        received = Received(request.method, raw_path, raw_query, CIMultiDict(request.headers), body)
        with self._lock:
            self.received.append(received)
        reply = self._next_reply(request.method, raw_path)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.action in ("reset", "garbage"):
            assert request.transport is not None
            if reply.action == "garbage":
                request.transport.write(b"\x00\x01 this is not HTTP \xff\r\n\r\n")
                request.transport.close()
            else:
                request.transport.abort()
            raise asyncio.CancelledError
        content, headers = reply.render()
        if reply.action == "trickle":
            return await self._trickle(request, reply, content, headers)
        return web.Response(status=reply.status, body=content, headers=headers)

    @staticmethod
    async def _trickle(
        request: web.Request, reply: Reply, content: bytes, headers: dict[str, str]
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=reply.status, headers=headers)
        response.content_length = len(content)
        await response.prepare(request)
        try:
            for index in range(len(content)):
                await response.write(content[index : index + 1])
                await asyncio.sleep(reply.trickle)
        except (ConnectionResetError, RuntimeError):
            pass  # the client gave up: that is the point
        return response

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        self._loop.run_until_complete(self._runner.setup())
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        self._loop.run_until_complete(site.start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()


def unused_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
