"""No token, header or cookie makes an integration answer 500: a property test through each
adapter under its real server (uvicorn for FastAPI and Starlette, aiohttp's runner), over real
HTTP. Tokens range from junk to well-signed tokens with arbitrary claims (which reach the claim
reading and the authorization checks) and machine-token prefixes (which reach the emulator).

No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.
"""

import base64
import json
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import httpx
import pytest
from aiohttp import web
from fastapi import Depends, FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator
from clerk_async.integrations import aiohttp as clerk_aiohttp
from clerk_async.integrations.fastapi import ClerkAuth, ClerkHTTPException, clerk_exception_handler
from clerk_async.integrations.starlette import ClerkBackend
from clerk_async.models import User
from clerk_async.security import AuthenticateRequestOptions, AuthObject, TokenTypeName
from tests.integrations.servers import aiohttp_served_in_thread, uvicorn_served
from tests.support.tokens import pem_of, rsa_key, session_claims, sign

PATHS = ("/me", "/strict", "/machines", "/user")
STRICT: dict[str, Any] = {
    "role": "admin",
    "permission": "org:articles:read",
    "feature": "articles",
    "plan": "org:business",
    "reverification": "strict",
}
MACHINES: list[TokenTypeName] = ["session_token", "api_key", "m2m_token", "oauth_token"]
ANSWERS = {200, 401, 403, 404}
#: The key of the hand-signed tokens below: hostile claim values no Clerk instance issues, signed
#: here (the emulator's tokens hold only what its state makes). The apps verify with it.
HOSTILE_KEY = rsa_key("integrations")


def fastapi_app(clerk: Clerk, options: AuthenticateRequestOptions) -> FastAPI:
    clerk_auth = ClerkAuth(clerk, options=options)
    app = FastAPI()
    app.add_exception_handler(ClerkHTTPException, clerk_exception_handler)
    strict = clerk_auth.protect(**STRICT)
    machines = clerk_auth.protect(accepts_token=MACHINES, check=lambda auth: True)

    @app.get("/me")
    async def me(auth: Annotated[AuthObject, Depends(clerk_auth)]) -> dict[str, str]:
        return {}

    @app.get("/strict")
    async def strict_route(auth: Annotated[AuthObject, Depends(strict)]) -> dict[str, str]:
        return {}

    @app.get("/machines")
    async def machine_route(auth: Annotated[AuthObject, Depends(machines)]) -> dict[str, str]:
        return {}

    @app.get("/user")
    async def user(found: Annotated[User, Depends(clerk_auth.current_user)]) -> dict[str, str]:
        return {}

    return app


def starlette_app(clerk: Clerk, options: AuthenticateRequestOptions) -> Starlette:
    backend = ClerkBackend(clerk, options=options)

    async def ok(request: Request) -> JSONResponse:
        return JSONResponse({})

    async def user(request: Request) -> JSONResponse:
        await backend.current_user(request)
        return JSONResponse({})

    return Starlette(
        routes=[
            Route("/me", backend.protect()(ok)),
            Route("/strict", backend.protect(**STRICT)(ok)),
            Route("/machines", backend.protect(accepts_token=MACHINES)(ok)),
            Route("/user", user),
        ]
    )


def aiohttp_app(clerk: Clerk, options: AuthenticateRequestOptions) -> web.Application:
    clerk_auth = clerk_aiohttp.ClerkAuth(clerk, options=options)

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({})

    async def user(request: web.Request) -> web.Response:
        await clerk_auth.current_user(request)
        return web.json_response({})

    app = web.Application(middlewares=[clerk_auth.middleware])
    app.router.add_get("/me", clerk_auth.protect()(ok))
    app.router.add_get("/strict", clerk_auth.protect(**STRICT)(ok))
    app.router.add_get("/machines", clerk_auth.protect(accepts_token=MACHINES)(ok))
    app.router.add_get("/user", user)
    return app


@pytest.fixture(scope="module", params=["fastapi", "starlette", "aiohttp"])
def origin(request: pytest.FixtureRequest, clerk_emulator_server: ClerkEmulator) -> Iterator[str]:
    clerk = clerk_emulator_server.client()
    options = AuthenticateRequestOptions(jwt_key=pem_of(HOSTILE_KEY))
    if request.param == "aiohttp":
        with aiohttp_served_in_thread(lambda: aiohttp_app(clerk, options)) as served:
            yield served
        return
    build: Callable[[Clerk, AuthenticateRequestOptions], Any] = (
        fastapi_app if request.param == "fastapi" else starlette_app
    )
    with uvicorn_served(build(clerk, options)) as served:
        yield served


# -- what a request may carry --------------------------------------------------------------------

#: Anything a header value may hold (printable Latin-1, no line breaks), trimmed as HTTP trims.
TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=120,
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=10,
)
CLAIM_NAMES = st.sampled_from(
    ["o", "fea", "pla", "fva", "sts", "sub", "sid", "v", "org_id", "org_role", "act", "azp"]
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@st.composite
def signed_tokens(draw: st.DrawFn) -> str:
    """Tokens our key signs, with claims changed into anything JSON holds."""
    changes = draw(st.dictionaries(CLAIM_NAMES, JSON_VALUES, max_size=4))
    claims = {**session_claims(), **{k: v for k, v in changes.items() if v is not None}}
    return sign(claims, key=HOSTILE_KEY)


@st.composite
def forged_tokens(draw: st.DrawFn) -> str:
    header = draw(st.dictionaries(TEXT, JSON_VALUES, max_size=3) | JSON_VALUES)
    payload = draw(st.dictionaries(CLAIM_NAMES, JSON_VALUES, max_size=4) | JSON_VALUES)
    parts = [_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode())]
    return ".".join([*parts, draw(TEXT)])


TOKENS = st.one_of(
    TEXT,
    signed_tokens(),
    forged_tokens(),
    st.tuples(st.sampled_from(["ak_", "mt_", "m2m_", "oat_"]), TEXT).map("".join),
)
AUTHORIZATION = st.one_of(
    st.none(),
    TEXT,
    TOKENS.map(lambda token: f"Bearer {token}"),
    st.tuples(st.sampled_from(["bearer ", "Basic ", "BEARER  "]), TOKENS).map("".join),
)
COOKIE = st.one_of(
    st.none(),
    TEXT,
    st.tuples(TOKENS, TEXT).map(lambda pair: f"__session={pair[0]}; __client_uat={pair[1]}"),
    TOKENS.map(lambda token: f'__session="{token}"; __client_uat=9999999999'),
)


def _header(value: str) -> bytes:
    return value.strip(" ").encode("latin-1")


@settings(settings.get_profile("ci"))
@given(path=st.sampled_from(PATHS), authorization=AUTHORIZATION, cookie=COOKIE)
def test_no_request_gets_a_server_error(
    origin: str, path: str, authorization: str | None, cookie: str | None
) -> None:
    headers: dict[bytes, bytes] = {}
    if authorization is not None:
        headers[b"Authorization"] = _header(authorization)
    if cookie is not None:
        headers[b"Cookie"] = _header(cookie)

    answer = httpx.get(origin + path, headers=headers, timeout=30)

    assert answer.status_code in ANSWERS, (answer.status_code, answer.text)
    if answer.status_code == 401:
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
