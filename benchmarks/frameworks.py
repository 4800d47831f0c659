"""W12: server CPU per authenticated request on a minimal FastAPI endpoint.

The ASGI app is called directly in-process (a scope, a ``receive`` that hands over an empty body,
a ``send`` that keeps the status), with no sockets, so the figure is the server's own CPU: routing,
the dependency, the endpoint and the JSON answer. Every contender answers the same ``GET
/articles`` carrying the W7 token (a Clerk-shaped v2 session token, RSA-2048) in
``Authorization: Bearer``; each runs in a fresh process pinned to one core.

- no auth (a): the endpoint alone (what the others' overhead is measured from);
- an empty dependency (a2): ``Depends`` on a function that does nothing: FastAPI's own cost of
  running a dependency, apart from any auth;
- a security dependency that reads the header (a3): the cheapest dependency shaped as ours is,
  a ``SecurityBase`` (so it is in the OpenAPI document) taking the request and returning its
  ``Authorization`` header;
- the floor as a dependency (a4): a3 doing the floor's work on the token it read (``cryptography``
  RSA verify + ``json.loads``, no claim checked): what any verifying dependency costs at least;
- ours: ``ClerkAuth(clerk).protect(permission="org:articles:read")``, the client's key set
  fetched once from a local server (the timed loop must make no network call), ``azp`` checked;
- fastapi-clerk-auth (0.0.9): ``ClerkHTTPBearer`` over the same local JWKS (its ``PyJWKClient``
  caches the set); it checks no ``azp`` and no permission (it has no way to);
- PyJWT dependency: a hand-written dependency, ``jwt.decode`` with a key object parsed once, the
  ``azp`` check and a permission looked up in ``o.per``;
- the floor: W7's ``cryptography`` RSA verify + ``json.loads`` of the same token, no framework.

The same request through the other async integrations (``framework_paths.py``): Starlette with
``ClerkBackend`` as its ``AuthenticationMiddleware`` and ``@backend.protect(permission=...)`` on
the endpoint, and aiohttp.web with ``ClerkAuth.middleware`` and ``@clerk_auth.protect(...)``, each
against the same app without auth. And, per call, ``has()`` and ``decide_access`` alone.

No ``from __future__ import annotations``: FastAPI reads the dependencies' annotations.

The report gives each contender's CPU per request, and the auth overhead (contender - no auth)
as a ratio to the floor, per repetition (medians); then the overhead over each baseline (a2-a4),
the other frameworks' overheads, and the per-call figures.
"""

import argparse
import json
import os
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from benchmarks import framework_paths
from benchmarks.framework_paths import serve_asgi
from benchmarks.measurement import Measurement, Params
from benchmarks.process import run_measurement
from benchmarks.report import Row
from benchmarks.tokens import AZP, SECRET_KEY, _JwksServer, w7_floor

__all__ = ["CONTENDERS", "FLOOR", "NO_AUTH", "OURS", "W12Result", "measure", "target_lines"]

NO_AUTH = "no auth"
EMPTY = "an empty dependency (a2)"
HEADER = "a security dependency reading the header (a3)"
FLOOR_DEPENDENCY = "the floor as a dependency (a4)"
OURS = "ours: protect(permission=)"
COMMUNITY = "fastapi-clerk-auth"
PYJWT = "PyJWT dependency"
FLOOR = "cryptography + json.loads"
PERMISSION = framework_paths.PERMISSION
#: The most our auth overhead may cost, as a multiple of the floor.
TARGET = 1.3
#: What the overheads are also measured from: FastAPI's own cost of a dependency, and the floor
#: inside one.
BASELINES = (EMPTY, HEADER, FLOOR_DEPENDENCY)


def _app(dependency: Any | None) -> Any:
    from fastapi import Depends, FastAPI

    app = FastAPI()
    dependencies = [] if dependency is None else [Depends(dependency)]

    @app.get("/articles", dependencies=dependencies)
    async def articles() -> dict[str, bool]:
        return {"ok": True}

    return app


def no_auth(p: Params) -> Measurement:
    return serve_asgi(p, _app(None))


def empty_dependency(p: Params) -> Measurement:
    async def nothing() -> None:
        return None

    return serve_asgi(p, _app(nothing))


def _security_dependency(work: Callable[[str], Any] | None = None) -> Any:
    """A ``SecurityBase`` (shown in the OpenAPI document, as ours is) taking the request: it
    returns the ``Authorization`` header, or what ``work`` makes of the token in it."""
    from fastapi import Request
    from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
    from fastapi.security.base import SecurityBase

    class SecurityDependency(SecurityBase):
        def __init__(self) -> None:
            self.model = HTTPBearerModel(bearerFormat="JWT")
            self.scheme_name = "Bearer"

        async def __call__(self, request: Request) -> Any:
            authorization = request.headers.get("authorization")
            if work is None:
                return authorization
            return work((authorization or "").removeprefix("Bearer "))

    return SecurityDependency()


def header_dependency(p: Params) -> Measurement:
    return serve_asgi(p, _app(_security_dependency()))


def floor_dependency(p: Params) -> Measurement:
    from benchmarks.tokens import floor_verifier

    return serve_asgi(p, _app(_security_dependency(floor_verifier())))


def ours(p: Params) -> Measurement:
    from clerk_async import Clerk
    from clerk_async.integrations.fastapi import ClerkAuth
    from clerk_async.security import AuthenticateRequestOptions

    options = AuthenticateRequestOptions(authorized_parties=[AZP])
    with _JwksServer().running() as server:
        clerk_auth = ClerkAuth(Clerk(SECRET_KEY, server_url=server.url), options=options)
        measurement = serve_asgi(p, _app(clerk_auth.protect(permission=PERMISSION)))
        if server.requests != 1:  # the warm-up's first request fetched the set; nothing since
            raise RuntimeError(f"ours made {server.requests - 1} more key set requests")
    return measurement


def community(p: Params) -> Measurement:
    from fastapi_clerk_auth import ClerkConfig, ClerkHTTPBearer

    with _JwksServer().running() as server:
        bearer = ClerkHTTPBearer(ClerkConfig(jwks_url=server.url + "/jwks"))
        measurement = serve_asgi(p, _app(bearer))
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

    return serve_asgi(p, _app(verify))


CONTENDERS: dict[str, Callable[[Params], Measurement]] = {
    NO_AUTH: no_auth,
    EMPTY: empty_dependency,
    HEADER: header_dependency,
    FLOOR_DEPENDENCY: floor_dependency,
    OURS: ours,
    COMMUNITY: community,
    PYJWT: pyjwt,
    FLOOR: w7_floor,
}
#: Every measurement a child process can run: the FastAPI table's, then the other paths'.
RUNNABLE: dict[str, Callable[[Params], Measurement]] = {
    **CONTENDERS,
    **framework_paths.PATHS,
    **framework_paths.PER_CALL,
}


def available() -> list[str]:
    """The measurements that can run here (``fastapi-clerk-auth`` is in the ``bench`` extra)."""
    try:
        import fastapi_clerk_auth  # noqa: F401
    except ImportError:
        return [name for name in RUNNABLE if name != COMMUNITY]
    return list(RUNNABLE)


# -- the parent: fresh processes, rotated, medians -----------------------------------------------


class W12Result:
    """The FastAPI table's rows, the markdown that follows it, and the target lines."""

    def __init__(self, rows: list[Row], notes: list[str], targets: list[str]) -> None:
        self.rows = rows
        self.notes = notes
        self.targets = targets


Runs = dict[str, list[dict[str, Any]]]


def measure(reps: int, count: int, cpu: int | None, log: Callable[[str], None]) -> W12Result:
    """Every measurement ``reps`` times, rotated; ``ratio`` of a FastAPI row is its auth
    overhead over no auth's, as a multiple of the floor (no auth: 0)."""
    names = available()
    if COMMUNITY not in names:
        log(f"W12: {COMMUNITY} is not installed (pip install -e '.[bench]'): skipped")
    runs: Runs = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            per_call = name in framework_paths.PER_CALL
            calls = count * framework_paths.CALLS_PER_REQUEST if per_call else count
            result = run_measurement(
                "benchmarks.frameworks", name, "--count", str(calls), cpu=cpu, what=f"W12 {name}"
            )
            runs[name].append(result)
            per_op = result["cpu_s"] / result["ops"]
            log(f"  W12 rep {rep + 1}/{reps} {name:<44} {per_op * 1e6:10.2f} us CPU/op")
    rows = [_row(name, count, runs) for name in CONTENDERS if name in runs]
    targets = target_lines(rows) + framework_paths.target_lines(runs, _per_op)
    return W12Result(rows, _notes(runs), targets)


def _per_op(run: dict[str, Any]) -> float:
    return float(run["cpu_s"]) / int(run["ops"])


def overheads(runs: Runs, name: str, baseline: str) -> list[float]:
    """Per repetition: (``name``'s CPU - ``baseline``'s) / the floor's."""
    return [
        (_per_op(run) - _per_op(base)) / _per_op(floor)
        for run, base, floor in zip(runs[name], runs[baseline], runs[FLOOR], strict=True)
    ]


def _row(name: str, count: int, runs: Runs) -> Row:
    cpu = [_per_op(run) for run in runs[name]]
    median = statistics.median(cpu)
    extra = {}
    if name == FLOOR:
        ratio = 1.0
    else:
        ratio = statistics.median(overheads(runs, name, NO_AUTH))
        for baseline in BASELINES:
            extra[baseline] = statistics.median(overheads(runs, name, baseline))
    return Row(
        contender=name,
        count=count,
        cpu_per_op=median,
        cpu_spread=(max(cpu) - min(cpu)) / 2 / median,
        wall_per_op=statistics.median(_per_op_wall(run) for run in runs[name]),
        ratio=ratio,
        is_floor=name == FLOOR,
        extra=extra,
    )


def _per_op_wall(run: dict[str, Any]) -> float:
    return float(run["wall_s"]) / int(run["ops"])


def _notes(runs: Runs) -> list[str]:
    floor = statistics.median(_per_op(run) for run in runs[FLOOR])
    lines = [
        "The auth overhead over each baseline, as a multiple of the floor (medians of the"
        " per-repetition ratios; CPU differences in µs):",
        "",
        "| contender | over no auth (a) | over (a2) | over (a3) | over (a4) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in (EMPTY, HEADER, FLOOR_DEPENDENCY, OURS, COMMUNITY, PYJWT):
        if name not in runs:
            continue
        cells = []
        for baseline in (NO_AUTH, *BASELINES):
            if list(CONTENDERS).index(baseline) >= list(CONTENDERS).index(name):
                cells.append("-")  # a baseline measured from itself or from a costlier one
                continue
            ratio = statistics.median(overheads(runs, name, baseline))
            cells.append(f"{ratio:.2f}x ({ratio * floor * 1e6:.1f} µs)")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    lines += ["", *framework_paths.notes(runs, FLOOR, _per_op)]
    return lines


def target_lines(rows: list[Row]) -> list[str]:
    """Rows of the report's target table: ours within 1.3x the floor (over no auth, and over
    FastAPI's empty dependency), below the others."""
    by_name = {row.contender: row for row in rows}
    ours_row = by_name[OURS]
    lines = []
    for label, ratio in (
        ("auth overhead within 1.3x the RSA floor", ours_row.ratio),
        (
            "auth overhead over an empty FastAPI dependency within 1.3x the RSA floor",
            ours_row.extra.get(EMPTY),
        ),
    ):
        if ratio is not None:
            met = "yes" if ratio <= TARGET else "**no**"
            lines.append(f"| W12 | {label} | {ratio:.2f}x | {met} |")
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
    parser = argparse.ArgumentParser(description="Run one W12 measurement.")
    parser.add_argument("contender", choices=list(RUNNABLE))
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--cpu", type=int, default=None, help="pin this process to one core")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    measurement = RUNNABLE[args.contender](Params(origin="", count=args.count))
    sys.stdout.write(json.dumps(asdict(measurement)) + "\n")


if __name__ == "__main__":
    main()
