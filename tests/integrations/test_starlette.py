"""The Starlette integration under uvicorn, over real HTTP: the backend in Starlette's
``AuthenticationMiddleware`` (``request.user``, ``request.auth``, ``@requires``,
``request.state.clerk_auth``) and ``@backend.protect`` on function and class endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.endpoints import HTTPEndpoint
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, Router

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator
from clerk_async.integrations.starlette import ClerkBackend, ClerkUser
from clerk_async.security import AuthenticateRequestOptions
from tests.integrations.raw_http import get, seen_by_a_prober
from tests.integrations.servers import uvicorn_served
from tests.integrations.tokens import EmulatorTokens, bearer, hand_signed
from tests.integrations.unavailable import (
    CLERK_DOWN,
    assert_answers_while_clerk_is_down,
    assert_unavailable,
)
from tests.support.emulator_sessions import SignedIn


def app_of(
    backend: ClerkBackend, *, middleware: bool = True, not_found_page: bool = False
) -> Starlette:
    async def whoami(request: Request) -> JSONResponse:
        user = request.user
        return JSONResponse(
            {
                "authenticated": user.is_authenticated,
                "identity": user.identity if isinstance(user, ClerkUser) else None,
                "scopes": request.auth.scopes if middleware else None,
                "state": _state_of(request),
            }
        )

    @requires("authenticated")
    async def required(request: Request) -> JSONResponse:
        return JSONResponse({"identity": request.user.identity})

    @backend.protect(role="admin")
    async def admin(request: Request) -> JSONResponse:
        return JSONResponse({"org_role": request.state.clerk_auth.org_role})

    @backend.protect(reverification="strict")
    async def sensitive(request: Request) -> JSONResponse:
        return JSONResponse({})

    @backend.protect(accepts_token="api_key")
    async def machines(request: Request) -> JSONResponse:
        return JSONResponse({"token_type": request.state.clerk_auth.token_type.value})

    async def user(request: Request) -> JSONResponse:
        found = await backend.current_user(request)
        return JSONResponse({"id": None if found is None else found.id})

    class Settings(HTTPEndpoint):
        @backend.protect(permission="org:articles:manage", forbidden_status=404)
        async def get(self, request: Request) -> Response:
            return JSONResponse({"org_id": request.state.clerk_auth.org_id})

    routes = [
        Route("/whoami", whoami) if middleware else Route("/whoami", user),
        Route("/required", required),
        Route("/admin", admin),
        Route("/sensitive", sensitive),
        Route("/machines", machines),
        Route("/user", user),
        Route("/settings", Settings),
    ]
    stack = [Middleware(AuthenticationMiddleware, backend=backend)] if middleware else []
    handlers = {404: _not_found_page} if not_found_page else None
    return Starlette(routes=routes, middleware=stack, exception_handlers=handlers)


async def _not_found_page(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("Nothing here.", status_code=404)


def _state_of(request: Request) -> Any:
    auth = getattr(request.state, "clerk_auth", None)
    return None if auth is None else auth.token_type.value


@pytest.fixture(scope="module")
def origin(clerk_emulator_server: ClerkEmulator) -> Iterator[str]:
    client = clerk_emulator_server.client()
    by_key = AuthenticateRequestOptions(jwt_key=clerk_emulator_server.jwt_key)
    signed = ClerkBackend(client, options=by_key)  # verifies without a call
    app = Starlette(
        routes=[
            Mount("/e", app_of(ClerkBackend(client))),
            Mount("/s", app_of(signed)),
            Mount("/bare", app_of(signed, middleware=False)),
            Mount("/custom", app_of(signed, not_found_page=True)),
            Mount(
                "/any",
                app_of(
                    ClerkBackend(client, options=AuthenticateRequestOptions(accepts_token="any"))
                ),
            ),
        ]
    )
    with uvicorn_served(app) as served:
        yield served


@pytest.fixture
def http(origin: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=origin) as client:
        yield client


def test_the_middleware_signs_in_a_session(
    http: httpx.Client, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    signed_in = http.get("/e/whoami", headers=bearer(token)).json()
    anonymous = http.get("/e/whoami", headers=bearer("not.a.token")).json()

    assert signed_in == {
        "authenticated": True,
        "identity": user_id,
        "scopes": ["authenticated"],
        "state": "session_token",
    }
    assert anonymous == {"authenticated": False, "identity": None, "scopes": [], "state": None}


def test_requires_works_as_starlette_users_expect(
    http: httpx.Client, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    assert http.get("/e/required", headers=bearer(token)).json() == {"identity": user_id}
    assert http.get("/e/required").status_code == 403  # Starlette's own answer


@pytest.mark.parametrize("prefix", ["/s", "/bare"])  # with and without the middleware
def test_protect_answers_as_decide_access(
    prefix: str, http: httpx.Client, personas: dict[str, SignedIn]
) -> None:
    admin_token, member = bearer(personas["admin"].token), bearer(personas["member"].token)

    admin = http.get(f"{prefix}/admin", headers=admin_token)
    not_admin = http.get(f"{prefix}/admin", headers=member)
    anonymous = http.get(f"{prefix}/admin")
    stale = http.get(f"{prefix}/sensitive", headers=bearer(personas["stale"].token))
    settings = http.get(f"{prefix}/settings", headers=admin_token)
    hidden = http.get(f"{prefix}/settings", headers=member)  # reads articles, cannot manage

    assert admin.json() == {"org_role": "org:admin"}
    assert not_admin.status_code == 403
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert stale.status_code == 403
    assert stale.json()["clerk_error"]["reason"] == "reverification-error"
    assert settings.json() == {"org_id": personas["admin"].org_id}
    assert hidden.status_code == 404


@pytest.mark.parametrize("prefix", ["/s", "/bare", "/custom"])
def test_a_hidden_route_answers_as_a_route_that_does_not_exist(
    origin: str, prefix: str, personas: dict[str, SignedIn]
) -> None:
    member = bearer(personas["member"].token)  # reads articles, cannot manage them

    hidden = get(f"{origin}{prefix}/settings", member)
    missing = get(f"{origin}{prefix}/settings-too", member)

    assert hidden.status == 404
    assert seen_by_a_prober(hidden) == seen_by_a_prober(missing)


def test_a_hidden_route_of_a_router_without_an_app_answers_as_its_missing_routes(
    clerk_emulator_server: ClerkEmulator, personas: dict[str, SignedIn]
) -> None:
    by_key = AuthenticateRequestOptions(jwt_key=clerk_emulator_server.jwt_key)
    backend = ClerkBackend(clerk_emulator_server.client(), options=by_key)

    @backend.protect(permission="org:articles:manage", forbidden_status=404)
    async def settings(request: Request) -> JSONResponse:
        return JSONResponse({})

    router = Router(routes=[Route("/settings", settings)])  # served as is: no app around it
    member = bearer(personas["member"].token)

    with uvicorn_served(router) as origin:
        hidden = get(f"{origin}/settings", member)
        missing = get(f"{origin}/settings-too", member)

    assert hidden.status == 404
    assert seen_by_a_prober(hidden) == seen_by_a_prober(missing)


def test_a_route_may_accept_what_the_middleware_does_not(
    http: httpx.Client, emulator_tokens: EmulatorTokens
) -> None:
    user_id, _ = emulator_tokens.user_and_session()
    api_key = bearer(emulator_tokens.api_key(user_id))

    assert http.get("/e/whoami", headers=api_key).json()["authenticated"] is False
    assert http.get("/e/machines", headers=api_key).json() == {"token_type": "api_key"}
    assert http.get("/any/whoami", headers=api_key).json()["identity"] == user_id


@pytest.mark.parametrize("middleware", [True, False])
def test_clerk_failing_is_503_not_401(
    middleware: bool, clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    api_key = emulator_tokens.api_key(user_id)
    app = app_of(ClerkBackend(clerk_emulator.client()), middleware=middleware)  # a cold cache

    clerk_emulator.faults = CLERK_DOWN
    with uvicorn_served(app) as origin:
        assert_answers_while_clerk_is_down(origin, [""], token, api_key, session_route="admin")


def test_no_secret_key_is_503_not_401(
    monkeypatch: pytest.MonkeyPatch, clerk_emulator: ClerkEmulator
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    app = app_of(ClerkBackend(Clerk(server_url=clerk_emulator.url)))

    with uvicorn_served(app) as origin:
        answer = get(f"{origin}/admin", bearer(hand_signed(clerk_emulator)))

    assert_unavailable(answer, "secret-key-missing", retry_after=False)


def test_current_user(http: httpx.Client, emulator_tokens: EmulatorTokens) -> None:
    user_id, token = emulator_tokens.user_and_session()
    api_key = bearer(emulator_tokens.api_key(user_id))

    assert http.get("/e/user", headers=bearer(token)).json() == {"id": user_id}
    assert http.get("/bare/whoami").json() == {"id": None}
    assert http.get("/any/user", headers=api_key).json() == {"id": user_id}  # the key's owner
