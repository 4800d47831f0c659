"""The integrations' apps served as users serve them: uvicorn (in a thread, on a free port of
127.0.0.1) for ASGI apps, aiohttp's own runner for aiohttp.web apps, werkzeug's threaded server
(as ``flask run`` serves) for WSGI apps."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import uvicorn
from aiohttp import web
from werkzeug.serving import make_server

__all__ = ["aiohttp_served", "aiohttp_served_in_thread", "uvicorn_served", "wsgi_served"]


@contextmanager
def uvicorn_served(app: Any) -> Iterator[str]:
    """``app`` under uvicorn until the block ends; yields its origin (``http://127.0.0.1:N``)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            thread.join(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@asynccontextmanager
async def aiohttp_served(app: web.Application) -> AsyncIterator[str]:
    """``app`` under aiohttp's runner on this event loop; yields its origin."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@contextmanager
def aiohttp_served_in_thread(make_app: Callable[[], web.Application]) -> Iterator[str]:
    """The app ``make_app`` builds (on the server's own event loop, in a thread) under aiohttp's
    runner, for tests that send their requests from blocking code."""
    loop = asyncio.new_event_loop()
    runner: web.AppRunner | None = None

    async def start() -> str:
        nonlocal runner
        runner = web.AppRunner(make_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    finally:
        if runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@contextmanager
def wsgi_served(app: Any) -> Iterator[str]:
    """``app`` under werkzeug's threaded server until the block ends; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
