"""The Django and Flask test apps served as users serve them, on a free port of 127.0.0.1 in a
background thread: WSGI apps under werkzeug's server (threaded, as ``flask run`` serves), ASGI
apps under uvicorn; and a plain HTTP client for them."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from werkzeug.serving import make_server

__all__ = ["Answer", "asgi_served", "get", "wsgi_served"]


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


@contextmanager
def asgi_served(app: Any) -> Iterator[str]:
    """``app`` under uvicorn until the block ends; yields its origin."""
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


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def get(url: str, headers: Mapping[str, str] | None = None) -> Answer:
    """``GET url`` over a new connection, sending ``headers`` byte for byte (latin-1)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.putrequest("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        for name, value in (headers or {}).items():
            connection.putheader(name, value.encode("latin-1"))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, answer_headers, body)
    finally:
        connection.close()
