"""Smoke test of an installed clerk_sync: no aiohttp import, one real request to a local server."""

from __future__ import annotations

import http.server
import json
import sys
import threading

import clerk_sync
from clerk_async._operation import Operation


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"id": self.path.rsplit("/", 1)[-1]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    op = Operation(operation_id="GetUser", method="GET", path="/users/{user_id}")
    with clerk_sync.Clerk(bearer_auth="sk_test_smoke", server_url=url) as clerk:
        user = clerk.send(op, dict, path={"user_id": "user_smoke"})
    server.shutdown()
    assert user == {"id": "user_smoke"}, user
    assert "aiohttp" not in sys.modules, "clerk_sync imported aiohttp"
    print(f"smoke_sync: clerk_sync {clerk_sync.__version__} OK without aiohttp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
