"""W12's other measurements: the same request through Starlette and aiohttp.web, and the access
decision per call.

- Starlette, in-process over ASGI as the FastAPI table: ``ClerkBackend`` as the
  ``AuthenticationMiddleware`` backend, and ``@backend.protect(permission=...)`` on the endpoint
  (the middleware authenticates, the decorator reuses its state), against the same app without
  either;
- aiohttp.web, in-process: ``app._handle`` of a clone of one request made once with
  ``aiohttp.test_utils.make_mocked_request`` (aiohttp's routing, middlewares, handler and
  response; no HTTP parsing or writing, as the ASGI figures have none), with
  ``ClerkAuth.middleware`` and ``@clerk_auth.protect(permission=...)``, against the same app
  without either;
- per call: ``has()`` on the auth object of the W7 token, and ``decide_access`` of its
  authenticated state for the route's ``Requirement(permission=...)``.
"""

import asyncio
import statistics
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from benchmarks.measurement import Measurement, Meter, Params
from benchmarks.tokens import AZP, SECRET_KEY, _JwksServer, session_token

__all__ = [
    "CALLS_PER_REQUEST",
    "PATHS",
    "PERMISSION",
    "PER_CALL",
    "asgi_scope",
    "notes",
    "target_lines",
]

PERMISSION = "org:articles:read"
WARMUP = 300
#: The per-call measurements make this many calls per request the others make.
CALLS_PER_REQUEST = 20
#: The most one ``has()`` may cost.
HAS_TARGET_S = 2e-6
STARLETTE_BARE = "Starlette, no auth"
STARLETTE_OURS = "Starlette: ClerkBackend middleware + protect(permission=)"
AIOHTTP_BARE = "aiohttp.web, no auth"
AIOHTTP_OURS = "aiohttp.web: ClerkAuth middleware + protect(permission=)"
#: Per call, no request.
HAS_PERMISSION = "has(permission=)"
HAS_ROLE_PERMISSION = "has(role=, permission=)"
HAS_REVERIFICATION = 'has(reverification="strict")'
DECIDE = "decide_access(state, Requirement(permission=))"

App = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]


def asgi_scope(token: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/articles",
        "raw_path": b"/articles",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"app"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("app", 80),
    }


def serve_asgi(p: Params, app: App) -> Measurement:
    """``p.count`` requests through ``app``, each with a fresh scope; every answer must be 200."""
    scope = asgi_scope(session_token())
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def run() -> Measurement:
        for _ in range(WARMUP):
            await app(dict(scope), receive, send)
        if set(statuses) != {200}:
            raise RuntimeError(f"the app answered {sorted(set(statuses))}, not 200")
        statuses.clear()
        with Meter() as meter:
            for _ in range(p.count):
                await app(dict(scope), receive, send)
        if statuses != [200] * p.count:
            raise RuntimeError("the app did not answer 200 to every timed request")
        return meter.result(p.count)

    return asyncio.run(run())


def _clerk(server: _JwksServer) -> Any:
    from clerk_async import Clerk

    return Clerk(SECRET_KEY, server_url=server.url)


def _options() -> Any:
    from clerk_async.security import AuthenticateRequestOptions

    return AuthenticateRequestOptions(authorized_parties=[AZP])


def _no_key_fetch_since_warmup(server: _JwksServer) -> None:
    if server.requests != 1:  # the warm-up's first request fetched the set; nothing since
        raise RuntimeError(f"{server.requests - 1} more key set requests after the first")


# -- Starlette -----------------------------------------------------------------------------------


def _starlette_app(with_auth: bool, server: _JwksServer | None) -> Any:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.authentication import AuthenticationMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def articles(request: Request) -> Response:
        return JSONResponse({"ok": True})

    if not with_auth or server is None:
        return Starlette(routes=[Route("/articles", articles)])
    from clerk_async.integrations.starlette import ClerkBackend

    backend = ClerkBackend(_clerk(server), options=_options())
    protected = backend.protect(permission=PERMISSION)(articles)
    middleware = [Middleware(AuthenticationMiddleware, backend=backend)]
    return Starlette(routes=[Route("/articles", protected)], middleware=middleware)


def starlette_bare(p: Params) -> Measurement:
    return serve_asgi(p, _starlette_app(False, None))


def starlette_ours(p: Params) -> Measurement:
    with _JwksServer().running() as server:
        measurement = serve_asgi(p, _starlette_app(True, server))
        _no_key_fetch_since_warmup(server)
    return measurement


# -- aiohttp.web ---------------------------------------------------------------------------------


def _aiohttp_serve(p: Params, server: _JwksServer | None) -> Measurement:
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    async def articles(request: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    if server is None:
        app = web.Application()
    else:
        from clerk_async.integrations.aiohttp import ClerkAuth

        clerk_auth = ClerkAuth(_clerk(server), options=_options())
        app = web.Application(middlewares=[clerk_auth.middleware])
        articles = clerk_auth.protect(permission=PERMISSION)(articles)
    app.router.add_get("/articles", articles)
    app.freeze()

    async def run() -> Measurement:
        headers = {"Host": "app", "Authorization": f"Bearer {session_token()}"}
        request = make_mocked_request("GET", "/articles", headers=headers, app=app)
        for _ in range(WARMUP):
            response = await app._handle(request.clone())
            if response.status != 200:
                raise RuntimeError(f"the app answered {response.status}, not 200")
        statuses = []
        with Meter() as meter:
            for _ in range(p.count):
                statuses.append((await app._handle(request.clone())).status)
        if statuses != [200] * p.count:
            raise RuntimeError("the app did not answer 200 to every timed request")
        return meter.result(p.count)

    return asyncio.run(run())


def aiohttp_bare(p: Params) -> Measurement:
    return _aiohttp_serve(p, None)


def aiohttp_ours(p: Params) -> Measurement:
    with _JwksServer().running() as server:
        measurement = _aiohttp_serve(p, server)
        _no_key_fetch_since_warmup(server)
    return measurement


# -- per call ------------------------------------------------------------------------------------


def _calls(p: Params, call: Callable[[Any, Any, Any], object]) -> Measurement:
    """``p.count`` calls of ``call(state, auth, requirement)`` over the W7 token's state."""
    from benchmarks.tokens import _pem
    from clerk_async.security import AuthenticateRequestOptions, Requirement, authenticate_request

    options = AuthenticateRequestOptions(jwt_key=_pem(), authorized_parties=[AZP])
    headers = {"authorization": f"Bearer {session_token()}"}
    state = asyncio.run(authenticate_request(headers, options))
    auth, requirement = state.to_auth(), Requirement(permission=PERMISSION)
    for _ in range(WARMUP):
        if not call(state, auth, requirement):
            raise RuntimeError("the check did not pass")
    with Meter() as meter:
        for _ in range(p.count):
            call(state, auth, requirement)
    return meter.result(p.count)


def has_permission(p: Params) -> Measurement:
    return _calls(p, lambda state, auth, requirement: auth.has(permission=PERMISSION))


def has_role_permission(p: Params) -> Measurement:
    return _calls(p, lambda state, auth, requirement: auth.has(role="admin", permission=PERMISSION))


def has_reverification(p: Params) -> Measurement:
    return _calls(p, lambda state, auth, requirement: auth.has(reverification="strict"))


def decide(p: Params) -> Measurement:
    from clerk_async.security import decide_access

    return _calls(p, lambda state, auth, requirement: decide_access(state, requirement).allowed)


PATHS: dict[str, Callable[[Params], Measurement]] = {
    STARLETTE_BARE: starlette_bare,
    STARLETTE_OURS: starlette_ours,
    AIOHTTP_BARE: aiohttp_bare,
    AIOHTTP_OURS: aiohttp_ours,
}
PER_CALL: dict[str, Callable[[Params], Measurement]] = {
    HAS_PERMISSION: has_permission,
    HAS_ROLE_PERMISSION: has_role_permission,
    HAS_REVERIFICATION: has_reverification,
    DECIDE: decide,
}


def notes(
    runs: dict[str, list[dict[str, Any]]],
    floor_name: str,
    per_op: Callable[[dict[str, Any]], float],
) -> list[str]:
    """The markdown of the other frameworks' overheads and of the per-call figures."""

    def median(name: str) -> float:
        return statistics.median(per_op(run) for run in runs[name])

    lines = [
        "The same request through the other async integrations (in-process; the overhead is"
        " the CPU over the same app without auth, as a multiple of the floor, per repetition):",
        "",
        "| framework | without auth | ours | overhead | overhead vs the floor |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, bare, with_auth in (
        ("Starlette (middleware + decorator)", STARLETTE_BARE, STARLETTE_OURS),
        ("aiohttp.web (middleware + decorator)", AIOHTTP_BARE, AIOHTTP_OURS),
    ):
        if bare not in runs or with_auth not in runs:
            continue
        ratio = statistics.median(
            (per_op(run) - per_op(base)) / per_op(low)
            for run, base, low in zip(runs[with_auth], runs[bare], runs[floor_name], strict=True)
        )
        lines.append(
            f"| {label} | {median(bare) * 1e6:.1f} µs | {median(with_auth) * 1e6:.1f} µs |"
            f" {(median(with_auth) - median(bare)) * 1e6:.1f} µs | {ratio:.2f}x |"
        )
    lines += [
        "",
        "Per call, CPU (the target: `has()` under 2 µs):",
        "",
        "| call | CPU per call | spread |",
        "| --- | ---: | ---: |",
    ]
    for name in PER_CALL:
        if name in runs:
            values = [per_op(run) for run in runs[name]]
            middle = statistics.median(values)
            spread = (max(values) - min(values)) / 2 / middle
            lines.append(f"| `{name}` | {middle * 1e9:,.0f} ns | ±{spread:.0%} |")
    return [*lines, ""]


def target_lines(
    runs: dict[str, list[dict[str, Any]]], per_op: Callable[[dict[str, Any]], float]
) -> list[str]:
    """The target row of ``has()``: its costliest form measured, under 2 µs."""
    forms = [
        name for name in (HAS_PERMISSION, HAS_ROLE_PERMISSION, HAS_REVERIFICATION) if name in runs
    ]
    if not forms:
        return []
    worst = max(statistics.median(per_op(run) for run in runs[name]) for name in forms)
    met = "yes" if worst < HAS_TARGET_S else "**no**"
    label = "`has()` under 2 µs per call (its costliest form here)"
    return [f"| W12 | {label} | {worst * 1e9:,.0f} ns | {met} |"]
