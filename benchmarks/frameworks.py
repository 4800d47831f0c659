"""W12: server CPU per authenticated request on a minimal FastAPI endpoint.

The ASGI app is called directly in-process (a scope, a ``receive`` that hands over an empty body,
a ``send`` that keeps the status), with no sockets, so the figure is the server's own CPU: routing,
the dependency, the endpoint and the JSON answer. Every contender answers the same ``GET
/articles`` carrying the W7 token (a Clerk-shaped v2 session token, RSA-2048) in
``Authorization: Bearer``; each runs in a fresh process pinned to one core.

- no auth: the endpoint alone (what the others' overhead is measured from);
- ours: ``ClerkAuth(clerk).protect(permission="org:articles:read")``, the client's key set
  fetched once from a local server (the timed loop must make no network call), ``azp`` checked;
- fastapi-clerk-auth (0.0.9): ``ClerkHTTPBearer`` over the same local JWKS (its ``PyJWKClient``
  caches the set); it checks no ``azp`` and no permission (it has no way to);
- PyJWT dependency: a hand-written dependency, ``jwt.decode`` with a key object parsed once, the
  ``azp`` check and a permission looked up in ``o.per``;
- the floor: W7's ``cryptography`` RSA verify + ``json.loads`` of the same token, no framework.

No ``from __future__ import annotations``: FastAPI reads the dependencies' annotations.

The report gives each contender's CPU per request, and the auth overhead (contender - no auth)
as a ratio to the floor, per repetition (medians).
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict
from typing import Any

from benchmarks.measurement import Measurement, Meter, Params
from benchmarks.process import run_measurement
from benchmarks.report import Row
from benchmarks.tokens import AZP, SECRET_KEY, _JwksServer, session_token, w7_floor

__all__ = ["CONTENDERS", "FLOOR", "NO_AUTH", "OURS", "measure", "target_lines"]

NO_AUTH = "no auth"
OURS = "ours: protect(permission=)"
COMMUNITY = "fastapi-clerk-auth"
PYJWT = "PyJWT dependency"
FLOOR = "cryptography + json.loads"
PERMISSION = "org:articles:read"
WARMUP = 300
#: The most our auth overhead may cost, as a multiple of the floor.
TARGET = 1.3

App = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]


def _scope(token: str) -> dict[str, Any]:
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


def _serve(p: Params, app: App) -> Measurement:
    """``p.count`` requests through ``app``, each with a fresh scope; every answer must be 200."""
    scope = _scope(session_token())
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


def _app(dependency: Any | None) -> Any:
    from fastapi import Depends, FastAPI

    app = FastAPI()
    dependencies = [] if dependency is None else [Depends(dependency)]

    @app.get("/articles", dependencies=dependencies)
    async def articles() -> dict[str, bool]:
        return {"ok": True}

    return app


def no_auth(p: Params) -> Measurement:
    return _serve(p, _app(None))


def ours(p: Params) -> Measurement:
    from clerk_async import Clerk
    from clerk_async.integrations.fastapi import ClerkAuth
    from clerk_async.security import AuthenticateRequestOptions

    options = AuthenticateRequestOptions(authorized_parties=[AZP])
    with _JwksServer().running() as server:
        clerk_auth = ClerkAuth(Clerk(SECRET_KEY, server_url=server.url), options=options)
        measurement = _serve(p, _app(clerk_auth.protect(permission=PERMISSION)))
        if server.requests != 1:  # the warm-up's first request fetched the set; nothing since
            raise RuntimeError(f"ours made {server.requests - 1} more key set requests")
    return measurement


def community(p: Params) -> Measurement:
    from fastapi_clerk_auth import ClerkConfig, ClerkHTTPBearer

    with _JwksServer().running() as server:
        bearer = ClerkHTTPBearer(ClerkConfig(jwks_url=server.url + "/jwks"))
        measurement = _serve(p, _app(bearer))
        if server.requests != 1:
            raise RuntimeError(f"fastapi-clerk-auth made {server.requests} key set requests")
    return measurement


def pyjwt(p: Params) -> Measurement:
    import jwt
    from fastapi import HTTPException, Request

    from benchmarks.tokens import _key

    key = _key().public_key()
    checks: Any = {"require": ["exp", "sub"], "verify_aud": False}

    async def verify(request: Request) -> dict[str, Any]:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, headers={"WWW-Authenticate": "Bearer"})
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["RS256"], options=checks, leeway=5
            )
        except jwt.PyJWTError:
            raise HTTPException(401, headers={"WWW-Authenticate": "Bearer"}) from None
        organization = claims.get("o") or {}
        if claims.get("azp") != AZP or "read" not in str(organization.get("per", "")).split(","):
            raise HTTPException(403)
        return claims

    return _serve(p, _app(verify))


CONTENDERS: dict[str, Callable[[Params], Measurement]] = {
    NO_AUTH: no_auth,
    OURS: ours,
    COMMUNITY: community,
    PYJWT: pyjwt,
    FLOOR: w7_floor,
}


def available() -> list[str]:
    """The contenders that can run here (``fastapi-clerk-auth`` is in the ``bench`` extra)."""
    try:
        import fastapi_clerk_auth  # noqa: F401
    except ImportError:
        return [name for name in CONTENDERS if name != COMMUNITY]
    return list(CONTENDERS)


# -- the parent: fresh processes, rotated, medians -----------------------------------------------


def measure(reps: int, count: int, cpu: int | None, log: Callable[[str], None]) -> list[Row]:
    """One Row per contender; ``ratio`` is its auth overhead over the floor (no auth: 0)."""
    names = available()
    if COMMUNITY not in names:
        log(f"W12: {COMMUNITY} is not installed (pip install -e '.[bench]'): skipped")
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            result = run_measurement(
                "benchmarks.frameworks", name, "--count", str(count), cpu=cpu, what=f"W12 {name}"
            )
            runs[name].append(result)
            per_op = result["cpu_s"] / result["ops"]
            log(f"  W12 rep {rep + 1}/{reps} {name:<28} {per_op * 1e6:10.1f} us CPU/op")
    return [_row(name, count, runs) for name in names]


def _per_op(run: dict[str, Any]) -> float:
    return float(run["cpu_s"]) / int(run["ops"])


def _row(name: str, count: int, runs: dict[str, list[dict[str, Any]]]) -> Row:
    cpu = [_per_op(run) for run in runs[name]]
    median = statistics.median(cpu)
    if name == FLOOR:
        overheads = [1.0] * len(cpu)
    else:
        overheads = [
            (_per_op(run) - _per_op(bare)) / _per_op(floor)
            for run, bare, floor in zip(runs[name], runs[NO_AUTH], runs[FLOOR], strict=True)
        ]
    return Row(
        contender=name,
        count=count,
        cpu_per_op=median,
        cpu_spread=(max(cpu) - min(cpu)) / 2 / median,
        wall_per_op=statistics.median(float(run["wall_s"]) / int(run["ops"]) for run in runs[name]),
        ratio=statistics.median(overheads),
        is_floor=name == FLOOR,
    )


def target_lines(rows: list[Row]) -> list[str]:
    """Rows of the report's target table: ours within 1.3x the floor, below the others."""
    by_name = {row.contender: row for row in rows}
    ours_row = by_name[OURS]
    met = "yes" if ours_row.ratio <= TARGET else "**no**"
    lines = [
        f"| W12 | auth overhead within {TARGET}x the RSA floor | {ours_row.ratio:.2f}x | {met} |"
    ]
    for name in (COMMUNITY, PYJWT):
        if name in by_name:
            other = by_name[name]
            below = "yes" if ours_row.ratio < other.ratio else "**no**"
            lines.append(
                f"| W12 | auth overhead below {name}'s | {ours_row.ratio:.2f}x vs"
                f" {other.ratio:.2f}x | {below} |"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one W12 contender.")
    parser.add_argument("contender", choices=list(CONTENDERS))
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--cpu", type=int, default=None, help="pin this process to one core")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    measurement = CONTENDERS[args.contender](Params(origin="", count=args.count))
    sys.stdout.write(json.dumps(asdict(measurement)) + "\n")


if __name__ == "__main__":
    main()
