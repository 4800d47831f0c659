"""One worker of an application fleet, as a program: ``python -m tests.cache.worker FLAVOUR ...``.

It serves what an application would, in its own process, with ``Clerk(cache=Cache(RedisStore))``:
``GET /users/{id}`` (the user's name and ``updated_at``, read through the cache), ``POST /webhooks``
(Clerk's webhooks, verified and applied to the cache), ``GET /metrics`` and ``GET /webhooks/log``
(the raw bodies it received, for replays). ``async`` runs on aiohttp.web with ``clerk_async``,
``sync`` on a threading http.server with ``clerk_sync``. It prints ``PORT <n>`` when it listens,
and stops when its standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from clerk_async.errors import ClerkError, NotFoundError, SDKError
from clerk_async.webhooks import WebhookVerificationError, verify_webhook


def _user_answer(user: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"first_name": user.first_name, "updated_at": user.updated_at}


def _error_answer(error: ClerkError) -> tuple[int, dict[str, Any]]:
    if isinstance(error, NotFoundError):
        return 404, {"error": "not found"}
    status = error.status_code if isinstance(error, SDKError) else 0
    return 502, {"error": type(error).__name__, "clerk_status": status}


def run_async(args: argparse.Namespace) -> None:
    from aiohttp import web

    from clerk_async import Clerk
    from clerk_async.cache import Cache, RedisStore

    received: list[bytes] = []

    async def main() -> None:
        cache = Cache(RedisStore(args.redis, timeout=0.5), ttl=args.ttl)
        async with Clerk(bearer_auth=args.key, server_url=args.clerk, cache=cache) as clerk:

            async def get_user(request: web.Request) -> web.Response:
                try:
                    status, body = _user_answer(await clerk.users.get(request.match_info["id"]))
                except ClerkError as error:
                    status, body = _error_answer(error)
                return web.json_response(body, status=status)

            async def webhook(request: web.Request) -> web.Response:
                payload = await request.read()
                try:
                    event = verify_webhook(payload, request.headers, args.secret)
                except WebhookVerificationError as error:
                    return web.Response(status=400, text=error.reason.value)
                received.append(payload)
                await cache.apply(event)
                return web.Response(status=204)

            async def metrics(request: web.Request) -> web.Response:
                return web.json_response(cache.metrics().__dict__)

            async def log(request: web.Request) -> web.Response:
                return web.json_response([base64.b64encode(b).decode() for b in received])

            app = web.Application()
            app.router.add_get("/users/{id}", get_user)
            app.router.add_post("/webhooks", webhook)
            app.router.add_get("/metrics", metrics)
            app.router.add_get("/webhooks/log", log)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", args.port)
            await site.start()
            print("PORT", runner.addresses[0][1], flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
            await runner.cleanup()
            await cache.aclose()

    asyncio.run(main())


def run_sync(args: argparse.Namespace) -> None:
    from clerk_sync import Clerk
    from clerk_sync.cache import Cache, RedisStore

    cache = Cache(RedisStore(args.redis, timeout=0.5), ttl=args.ttl)
    clerk = Clerk(bearer_auth=args.key, server_url=args.clerk, cache=cache)
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *values: Any) -> None:
            pass

        def answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.startswith("/users/"):
                try:
                    self.answer(*_user_answer(clerk.users.get(self.path.removeprefix("/users/"))))
                except ClerkError as error:
                    self.answer(*_error_answer(error))
            elif self.path == "/metrics":
                self.answer(200, cache.metrics().__dict__)
            else:
                self.answer(200, [base64.b64encode(b).decode() for b in received])

        def do_POST(self) -> None:
            payload = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                event = verify_webhook(payload, self.headers, args.secret)
            except WebhookVerificationError as error:
                self.answer(400, error.reason.value)
                return
            received.append(payload)
            cache.apply(event)
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT", server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()
    clerk.close()
    cache.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("flavour", choices=("async", "sync"))
    parser.add_argument("--redis", required=True)
    parser.add_argument("--clerk", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ttl", type=float, default=300.0)
    args = parser.parse_args()
    (run_async if args.flavour == "async" else run_sync)(args)


if __name__ == "__main__":
    main()
