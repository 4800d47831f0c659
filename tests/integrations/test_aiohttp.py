"""The aiohttp.web integration under aiohttp's own runner, over real HTTP: the middleware
(``request[AUTH]``) and ``@clerk_auth.protect`` on handlers and ``web.View`` methods, with the
emulator's tokens (verified through its JWKS under ``/e``, with its PEM key under ``/s``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator
from clerk_async.integrations.aiohttp import AUTH, ClerkAuth
from clerk_async.security import AuthenticateRequestOptions
from tests.integrations.raw_http import Answer, seen_by_a_prober
from tests.integrations.servers import aiohttp_served
from tests.integrations.tokens import EXPIRED, EmulatorTokens, bearer, hand_signed
from tests.integrations.unavailable import CLERK_DOWN, assert_unavailable
from tests.support.emulator_sessions import SignedIn


def app_of(clerk_auth: ClerkAuth) -> web.Application:
    async def whoami(request: web.Request) -> web.Response:
        auth = request[AUTH]
        return web.json_response({"user_id": getattr(auth, "user_id", None)})

    @clerk_auth.protect(role="admin")
    async def admin(request: web.Request) -> web.Response:
        return web.json_response({"org_role": getattr(request[AUTH], "org_role", None)})

    @clerk_auth.protect(reverification="moderate")
    async def sensitive(request: web.Request) -> web.Response:
        return web.json_response({})

    @clerk_auth.protect(accepts_token=["api_key", "oauth_token"])
    async def machines(request: web.Request) -> web.Response:
        auth = request[AUTH]
        return web.json_response({"token_type": None if auth is None else auth.token_type.value})

    async def user(request: web.Request) -> web.Response:
        found = await clerk_auth.current_user(request)
        return web.json_response({"id": None if found is None else found.id})

    class Settings(web.View):
        @clerk_auth.protect(feature="articles", forbidden_status=404)
        async def get(self) -> web.Response:
            return web.json_response({"org_id": getattr(self.request[AUTH], "org_id", None)})

    app = web.Application(middlewares=[clerk_auth.middleware])
    app.router.add_get("/whoami", whoami)
    app.router.add_get("/admin", admin)
    app.router.add_get("/sensitive", sensitive)
    app.router.add_get("/machines", machines)
    app.router.add_get("/user", user)
    app.router.add_view("/settings", Settings)
    return app


async def _answer(session: aiohttp.ClientSession, path: str, headers: dict[str, str]) -> Answer:
    async with session.get(path, headers=headers) as response:
        found = {name.lower(): value for name, value in response.headers.items()}
        return Answer(response.status, found, await response.read())


@pytest.fixture
async def http(clerk_emulator: ClerkEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    root = web.Application()
    by_key = AuthenticateRequestOptions(jwt_key=clerk_emulator.jwt_key)
    async with clerk_emulator.client() as client:
        root.add_subapp("/e", app_of(ClerkAuth(client)))
        root.add_subapp("/s", app_of(ClerkAuth(client, options=by_key)))
        async with aiohttp_served(root) as origin, aiohttp.ClientSession(origin) as session:
            yield session


async def test_the_middleware_sets_the_auth_object(
    http: aiohttp.ClientSession, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    cookie = {"Cookie": f"__session={token}; __client_uat=1"}

    async with http.get("/e/whoami", headers=bearer(token)) as by_header:
        assert await by_header.json() == {"user_id": user_id}
    async with http.get("/e/whoami", headers=cookie) as by_cookie:
        assert await by_cookie.json() == {"user_id": user_id}
    async with http.get("/e/whoami", headers=bearer("x.y.z")) as anonymous:
        assert await anonymous.json() == {"user_id": None}


async def test_protect_answers_with_aiohttps_exceptions(
    http: aiohttp.ClientSession, personas: dict[str, SignedIn], clerk_emulator: ClerkEmulator
) -> None:
    admin_token = bearer(personas["admin"].token)

    async with http.get("/s/admin", headers=admin_token) as admin:
        assert await admin.json() == {"org_role": "org:admin"}
    async with http.get("/s/admin", headers=bearer(personas["member"].token)) as denied:
        assert denied.status == 403 and denied.content_type == "application/json"
    async with http.get("/s/admin") as anonymous:
        assert anonymous.status == 401
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
        assert (await anonymous.json())["reason"] == "session-token-missing"
    expired = hand_signed(clerk_emulator, **EXPIRED)  # none of the emulator's
    async with http.get("/s/admin", headers=bearer(expired)) as late:
        assert late.status == 401
        assert late.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    stale = bearer(personas["stale_2fa"].token)  # fva [90, 90]
    async with http.get("/s/sensitive", headers=stale) as reverify:
        assert reverify.status == 403
        body = await reverify.json()
        assert body["clerk_error"]["metadata"]["reverification"] == {
            "level": "second_factor",
            "afterMinutes": 60,
        }
    async with http.get("/s/settings", headers=admin_token) as settings:
        assert await settings.json() == {"org_id": personas["admin"].org_id}
    no_articles = bearer(personas["teams_admin"].token)  # fea o:teams
    async with http.get("/s/settings", headers=no_articles) as hidden:
        assert hidden.status == 404


async def test_a_hidden_route_answers_as_a_route_that_does_not_exist(
    http: aiohttp.ClientSession, personas: dict[str, SignedIn]
) -> None:
    no_articles = bearer(personas["teams_admin"].token)  # fea o:teams

    hidden = await _answer(http, "/s/settings", no_articles)
    missing = await _answer(http, "/s/settings-too", no_articles)

    assert hidden.status == 404
    assert seen_by_a_prober(hidden) == seen_by_a_prober(missing)


async def test_clerk_failing_is_503_not_401(
    clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    api_key = emulator_tokens.api_key(user_id)

    clerk_emulator.faults = CLERK_DOWN
    async with clerk_emulator.client() as client:  # a cold key cache
        app = app_of(ClerkAuth(client))
        async with aiohttp_served(app) as origin, aiohttp.ClientSession(origin) as session:
            by_session = await _answer(session, "/admin", bearer(token))
            by_key = await _answer(session, "/machines", bearer(api_key))

    assert_unavailable(by_session, "jwk-failed-to-load", retry_after=True)
    assert_unavailable(by_key, "server-error", retry_after=True)


async def test_no_secret_key_is_503_not_401(
    monkeypatch: pytest.MonkeyPatch, clerk_emulator: ClerkEmulator
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    async with Clerk(server_url=clerk_emulator.url) as client:
        app = app_of(ClerkAuth(client))
        async with aiohttp_served(app) as origin, aiohttp.ClientSession(origin) as session:
            answer = await _answer(session, "/admin", bearer(hand_signed(clerk_emulator)))

    assert_unavailable(answer, "secret-key-missing", retry_after=False)


async def test_machine_tokens_where_accepted(
    http: aiohttp.ClientSession, emulator_tokens: EmulatorTokens, clerk_emulator: ClerkEmulator
) -> None:
    user_id, session = emulator_tokens.user_and_session()
    api_key = bearer(emulator_tokens.api_key(user_id))
    oauth = bearer(clerk_emulator.mint_oauth_token(user_id)["token"])

    async with http.get("/e/machines", headers=api_key) as by_key:
        assert await by_key.json() == {"token_type": "api_key"}
    async with http.get("/e/machines", headers=oauth) as by_oauth:
        assert await by_oauth.json() == {"token_type": "oauth_token"}
    async with http.get("/e/machines", headers=bearer(session)) as by_session:
        assert by_session.status == 401
        assert (await by_session.json())["reason"] == "token-type-not-supported"
    async with http.get("/e/whoami", headers=api_key) as on_session_route:
        assert await on_session_route.json() == {"user_id": None}


async def test_current_user(http: aiohttp.ClientSession, emulator_tokens: EmulatorTokens) -> None:
    user_id, token = emulator_tokens.user_and_session()

    async with http.get("/e/user", headers=bearer(token)) as found:
        assert await found.json() == {"id": user_id}
    emulator_tokens.admin.users.delete(user_id)
    async with http.get("/e/user", headers=bearer(token)) as gone:
        assert await gone.json() == {"id": None}


async def test_the_key_set_is_fetched_once(
    clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    before = sum(clerk_emulator.emulator.responses.values())
    async with clerk_emulator.client() as client:
        app = app_of(ClerkAuth(client))
        async with aiohttp_served(app) as origin, aiohttp.ClientSession(origin) as session:

            async def whoami() -> object:
                async with session.get("/whoami", headers=bearer(token)) as answer:
                    return await answer.json()

            answers = await asyncio.gather(*(whoami() for _ in range(40)))

    assert answers == [{"user_id": user_id}] * 40
    assert sum(clerk_emulator.emulator.responses.values()) - before == 1  # the JWKS, once
