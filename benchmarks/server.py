"""The canned-response Clerk server the benchmarks talk to, run in its own process.

A raw asyncio protocol with pre-encoded responses, so that serving costs next to nothing:

- ``GET /v1/users/{user_id}`` -> one user
- ``GET /v1/users?limit=L&offset=O`` -> a bare array of ``min(L, total - O)`` users, whose ids
  encode their position, so that ``starting_after=<id>`` (cursor paging) works as well
- ``POST /v1/users`` -> one user (the body is read and dropped)

``total`` is 50,000 unless the path starts with ``/nN/``: ``http://host:port/n10000/v1`` is a
server URL whose user list holds 10,000 users. HTTP/1.1 keep-alive, pipelining and any number of
concurrent connections are handled; ``Connection: close`` is honoured.

Run as ``python -m benchmarks.server [--port P] [--cpu C] [--exit-on-eof]``; it prints
``PORT <port>`` once it listens and serves until terminated (or, with ``--exit-on-eof``, until its
stdin closes, so that it never outlives the runner).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from urllib.parse import parse_qsl

from benchmarks.fixtures import (
    PAGE_SIZE,
    POSITION_MARK,
    fill_page,
    page_template,
    position_of,
    user_bytes,
)

__all__ = ["CannedServer", "main"]

DEFAULT_TOTAL = 50_000
_MAX_HEADER = 64 * 1024
_STATUS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 405: b"Method Not Allowed"}


def _response(status: int, body: bytes, *, close: bool = False) -> bytes:
    head = (
        b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
        b"Date: Thu, 26 Nov 2026 00:00:00 GMT\r\nServer: canned\r\n"
        % (status, _STATUS[status], len(body))
    )
    if close:
        head += b"Connection: close\r\n"
    return head + b"\r\n" + body


def _error(status: int, code: str) -> bytes:
    body = b'{"errors":[{"message":"%s","long_message":"%s","code":"%s"}],"clerk_trace_id":"t"}' % (
        code.encode(),
        code.encode(),
        code.encode(),
    )
    return _response(status, body)


class CannedServer:
    """Every response, encoded once; list pages get their users' ids filled in per request."""

    def __init__(self) -> None:
        self.user = _response(200, user_bytes())
        self.empty = _response(200, b"[]")
        self.not_found = _error(404, "resource_not_found")
        self.bad_request = _error(400, "form_param_invalid")
        self.not_allowed = _error(405, "method_not_allowed")
        self._templates: dict[int, tuple[bytes, list[bytes]]] = {}
        self._template(PAGE_SIZE)

    def _template(self, count: int) -> tuple[bytes, list[bytes]]:
        """The response head and the body split on the id marks, for a page of ``count``."""
        cached = self._templates.get(count)
        if cached is None:
            template = page_template(count)
            head = _response(200, template)[: -len(template)]
            cached = self._templates[count] = (head, template.split(POSITION_MARK))
        return cached

    def page(self, count: int, start: int) -> bytes:
        """``count`` users, numbered from list position ``start``."""
        head, segments = self._template(count)
        return head + fill_page(segments, start)

    def answer(self, method: bytes, target: bytes) -> bytes:
        path, _, query = target.partition(b"?")
        total = DEFAULT_TOTAL
        if path.startswith(b"/n"):
            prefix, _, rest = path[2:].partition(b"/")
            if not prefix.isdigit():
                return self.not_found
            total, path = int(prefix), b"/" + rest
        if path == b"/v1/users":
            if method == b"POST":
                return self.user
            if method != b"GET":
                return self.not_allowed
            return self._list(query, total)
        if path.startswith(b"/v1/users/") and path.count(b"/") == 3:
            return self.user if method == b"GET" else self.not_allowed
        return self.not_found

    def _list(self, query: bytes, total: int) -> bytes:
        params = dict(parse_qsl(query.decode("latin-1")))
        try:
            limit = int(params.get("limit", "10"))
            start = int(params.get("offset", "0"))
        except ValueError:
            return self.bad_request
        cursor = params.get("starting_after")
        if cursor is not None:
            position = position_of(cursor)
            if position is None or start:
                return self.bad_request
            start = position + 1
        if not 1 <= limit <= PAGE_SIZE or start < 0:
            return self.bad_request
        count = min(limit, total - start)
        return self.page(count, start) if count > 0 else self.empty


class _Connection(asyncio.Protocol):
    __slots__ = ("_buffer", "_canned", "_transport")

    def __init__(self, canned: CannedServer) -> None:
        self._canned = canned
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data if self._buffer else data
        transport = self._transport
        assert transport is not None
        out: list[bytes] = []
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            if head_end < 0:
                if len(buffer) > _MAX_HEADER:
                    transport.close()
                    return
                break
            request_line, _, header_block = buffer[:head_end].partition(b"\r\n")
            length, close = _framing(header_block)
            end = head_end + 4 + length
            if len(buffer) < end:
                break
            method, _, rest = request_line.partition(b" ")
            target = rest.rpartition(b" ")[0]
            out.append(self._canned.answer(method, target))
            buffer = buffer[end:]
            if close:
                transport.write(b"".join(out))
                transport.close()
                self._buffer = b""
                return
        self._buffer = buffer
        if out:
            transport.write(out[0] if len(out) == 1 else b"".join(out))


def _framing(header_block: bytes) -> tuple[int, bool]:
    """``Content-Length`` and whether the client asked to close, from raw header lines."""
    length = 0
    close = False
    lowered = header_block.lower()
    at = lowered.find(b"content-length:")
    if at >= 0:
        line_end = lowered.find(b"\r\n", at)
        length = int(lowered[at + 15 : line_end if line_end >= 0 else None])
    at = lowered.find(b"connection:")
    if at >= 0:
        line_end = lowered.find(b"\r\n", at)
        close = b"close" in lowered[at + 11 : line_end if line_end >= 0 else None]
    return length, close


async def serve(port: int, *, watch_stdin: bool = False) -> None:
    canned = CannedServer()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Connection(canned), "127.0.0.1", port, backlog=1024, reuse_address=True
    )
    bound: int = server.sockets[0].getsockname()[1]
    print("PORT", bound, flush=True)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    if watch_stdin:
        loop.add_reader(sys.stdin.fileno(), _stop_on_eof, stop)
    async with server:
        await stop


def _stop_on_eof(stop: asyncio.Future[None]) -> None:
    if not os.read(sys.stdin.fileno(), 4096) and not stop.done():
        stop.set_result(None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None, help="pin the server to this core")
    parser.add_argument("--exit-on-eof", action="store_true", help="stop when stdin closes")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    asyncio.run(serve(args.port, watch_stdin=args.exit_on_eof))


if __name__ == "__main__":
    main()
