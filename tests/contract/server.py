"""A local HTTP server that checks each request against the operation table and answers samples.

It finds the operation by verb and path template (the contract tests name the one they mean in the
``X-Contract-Operation`` header, so the match itself is checked too), checks the query string's
names, and decodes a JSON body strictly into the operation's request model (unknown keys, missing
required fields and wrong JSON types all fail) or parses a multipart body. It answers with a sample
of the response model built by ``clerk_async.emulator.samples``: filled, or with every nullable
field null, and with unknown fields added when asked. Problems are recorded per operation.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import re
import socket
import threading
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qsl, unquote

import msgspec
from aiohttp import web

from clerk_async import _operations
from clerk_async._operation import Operation
from clerk_async._response import operation_body_type, schema_type
from clerk_async.emulator.samples import sample

OPERATION_HEADER = "X-Contract-Operation"


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^/v1{regex}$")


class ContractServer:
    def __init__(self) -> None:
        self.routes = [(op, _pattern(op.path)) for op in _operations.ALL]
        self.problems: defaultdict[str, list[str]] = defaultdict(list)
        self.seen: set[str] = set()
        self.nulls = False
        self.extra_fields = True
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="contract-server", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> ContractServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def reset(self, *, nulls: bool, extra_fields: bool) -> None:
        with self._lock:
            self.problems.clear()
            self.seen.clear()
            self.nulls = nulls
            self.extra_fields = extra_fields

    # -- checking -----------------------------------------------------------------------------

    def _match(self, method: str, path: str) -> list[Operation]:
        return [op for op, pattern in self.routes if op.method == method and pattern.match(path)]

    def check(self, request: web.Request, body: bytes) -> tuple[Operation | None, list[str]]:
        raw_path, _, raw_query = request.raw_path.partition("?")
        wanted = request.headers.get(OPERATION_HEADER)
        candidates = self._match(request.method, raw_path)
        if wanted is None and candidates:  # plain user code: the most literal template wins
            wanted = min(candidates, key=lambda c: len(c.path_params)).operation_id
        op = next((c for c in candidates if c.operation_id == wanted), None)
        if op is None:
            found = [c.operation_id for c in candidates]
            return None, [f"{request.method} {raw_path} matches {found}, not {wanted!r}"]
        problems = self._check_path(op, raw_path)
        problems += self._check_query(op, raw_query)
        problems += self._check_body(op, request.headers.get("Content-Type", ""), body)
        return op, problems

    def _check_path(self, op: Operation, raw_path: str) -> list[str]:
        names = re.findall(r"\{([^}]+)\}", op.path)
        segments = raw_path.removeprefix("/v1").split("/")
        template = op.path.split("/")
        problems = []
        for segment, part in zip(segments, template, strict=True):
            if part.startswith("{") and not unquote(segment):
                problems.append(f"path parameter {part} is empty")
        if sorted(names) != sorted(op.path_params):
            problems.append(f"table path params {op.path_params} differ from the path {names}")
        return problems

    def _check_query(self, op: Operation, raw_query: str) -> list[str]:
        pairs = parse_qsl(raw_query, keep_blank_values=True)
        names = {name for name, _ in pairs}
        problems = [f"unknown query parameter {n!r}" for n in sorted(names - set(op.query_params))]
        problems += [f"missing query parameter {n!r}" for n in op.required_query if n not in names]
        return problems

    def _check_body(self, op: Operation, content_type: str, body: bytes) -> list[str]:
        if op.body is None:
            return [] if not body else [f"unexpected body ({len(body)} bytes)"]
        assert op.request_schema is not None
        schema = schema_type(op.request_schema)
        if op.body == "json":
            if not content_type.startswith("application/json"):
                return [f"JSON body sent as {content_type!r}"]
            try:
                msgspec.json.decode(body, type=schema, strict=True)
            except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                return [f"body does not match {op.request_schema}: {exc}"]
            return []
        return self._check_multipart(schema, content_type, body)

    def _check_multipart(self, schema: Any, content_type: str, body: bytes) -> list[str]:
        if not content_type.startswith("multipart/form-data"):
            return [f"multipart body sent as {content_type!r}"]
        raw = f"Content-Type: {content_type}\r\n\r\n".encode() + body
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
        parts = {
            str(part.get_param("name", header="content-disposition")): part
            for part in message.iter_parts()
        }
        fields = {f.encode_name: f for f in msgspec.structs.fields(schema)}
        problems = [f"unknown form field {n!r}" for n in sorted(set(parts) - set(fields))]
        problems += [
            f"missing form field {n!r}" for n, f in fields.items() if f.required and n not in parts
        ]
        uploads = [n for n, f in fields.items() if f.type is bytes and n in parts]
        problems += [f"{n!r} is not a file upload" for n in uploads if not parts[n].get_filename()]
        return problems

    # -- serving ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        op, problems = self.check(request, body)
        key = op.operation_id if op is not None else "?"
        with self._lock:
            self.seen.add(key)
            self.problems[key].extend(problems)
            nulls, extra = self.nulls, self.extra_fields
        if op is None:
            error = {"errors": [{"code": "no_route", "message": problems[0]}]}
            return web.json_response(error, status=404)
        kind = operation_body_type(op)
        if kind is None:
            return web.Response(status=204)
        payload = sample(kind, nulls=nulls, extra_fields=extra)
        return web.Response(body=json.dumps(payload), content_type="application/json")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        self._loop.run_until_complete(self._runner.setup())
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._loop.run_until_complete(web.SockSite(self._runner, sock).start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()
