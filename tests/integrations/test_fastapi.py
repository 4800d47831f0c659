"""The FastAPI integration under uvicorn, over real HTTP, with the emulator's tokens: the ``/e``
routes verify them through its JWKS, the ``/s`` routes without a call, with its PEM key (as
``CLERK_JWT_KEY`` does). Organization claims come from the personas (``personas.py``).

No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations at run
time, and they name dependencies local to the functions that declare the routes.
"""

import asyncio
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator
from clerk_async.integrations.fastapi import (
    ClerkAuth,
    ClerkHTTPException,
    SessionAuth,
    clerk_exception_handler,
)
from clerk_async.models import User
from clerk_async.security import AuthenticateRequestOptions, AuthObject
from tests.integrations.raw_http import get, seen_by_a_prober
from tests.integrations.servers import uvicorn_served
from tests.integrations.tokens import EXPIRED, EmulatorTokens, bearer, hand_signed
from tests.integrations.unavailable import (
    CLERK_DOWN,
    assert_answers_while_clerk_is_down,
    assert_unavailable,
)
from tests.support.emulator_sessions import SignedIn

MACHINES = ["api_key", "m2m_token", "oauth_token"]


def routes(clerk_auth: ClerkAuth) -> APIRouter:
    router = APIRouter()

    def protected(path: str, **requirement: Any) -> None:
        dependency = clerk_auth.protect(**requirement)

        async def endpoint(auth: Annotated[AuthObject, Depends(dependency)]) -> dict[str, Any]:
            return {"token_type": auth.token_type.value, "id": _identity(auth)}

        router.add_api_route(path, endpoint, methods=["GET"])

    @router.get("/me")
    async def me(auth: Annotated[SessionAuth, Depends(clerk_auth)]) -> dict[str, Any]:
        return {"user_id": auth.user_id, "org_id": auth.org_id}

    @router.get("/optional")
    async def optional(
        auth: Annotated[SessionAuth | None, Depends(clerk_auth.optional)],
    ) -> dict[str, Any]:
        return {"user_id": None if auth is None else auth.user_id}

    @router.get("/user")
    async def user(user: Annotated[User, Depends(clerk_auth.current_user)]) -> dict[str, Any]:
        return {"id": user.id, "email": user.email_addresses[0].email_address}

    protected("/admin", role="admin")
    protected("/articles", permission="org:articles:read")
    protected("/teams", permission="org:teams:manage")
    protected("/feature", feature="articles")
    protected("/plan", plan="org:business")
    protected("/both", role="admin", plan="org:business")
    protected("/hidden", role="org:billing", forbidden_status=404)
    protected("/sensitive", reverification="strict")
    protected("/pending-ok", treat_pending_as_signed_out=False)
    protected("/acme", check=lambda auth: getattr(auth, "org_slug", None) == "acme")
    protected("/machines", accepts_token=MACHINES)
    protected("/any", accepts_token="any")
    return router


def _identity(auth: AuthObject) -> str | None:
    for name in ("user_id", "machine_id", "id"):
        value = getattr(auth, name, None)
        if isinstance(value, str):
            return value
    return None


@pytest.fixture(scope="module")
def origin(clerk_emulator_server: ClerkEmulator) -> Iterator[str]:
    client = clerk_emulator_server.client()
    by_key = AuthenticateRequestOptions(jwt_key=clerk_emulator_server.jwt_key)
    app = FastAPI()
    app.add_exception_handler(ClerkHTTPException, clerk_exception_handler)
    app.include_router(routes(ClerkAuth(client)), prefix="/e")
    app.include_router(routes(ClerkAuth(client, options=by_key)), prefix="/s")
    plain = FastAPI()  # FastAPI's own answer, without the handler
    plain.include_router(routes(ClerkAuth(client, options=by_key)))
    app.mount("/plain", plain)
    custom = FastAPI()  # an app with its own 404 page
    custom.add_exception_handler(ClerkHTTPException, clerk_exception_handler)
    custom.add_exception_handler(404, _custom_not_found)
    custom.include_router(routes(ClerkAuth(client, options=by_key)))
    app.mount("/custom", custom)
    with uvicorn_served(app) as served:
        yield served


async def _custom_not_found(request: Request, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse("Nothing here.", status_code=404)


@pytest.fixture
def http(origin: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=origin) as client:
        yield client


# -- signed in, signed out -----------------------------------------------------------------------


def test_a_session_signs_in_by_header_or_cookie(
    http: httpx.Client, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    by_header = http.get("/e/me", headers=bearer(token))
    by_cookie = http.get("/e/me", headers={"Cookie": f"__session={token}; __client_uat=1"})

    assert by_header.status_code == 200, by_header.text
    assert by_header.json() == {"user_id": user_id, "org_id": None}
    assert by_cookie.json() == by_header.json()


def test_no_token_is_401_with_a_bearer_challenge(http: httpx.Client) -> None:
    answer = http.get("/e/me")

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["reason"] == "session-token-missing"


def test_a_bad_token_is_401_saying_why(
    http: httpx.Client, clerk_emulator_server: ClerkEmulator
) -> None:
    expired = hand_signed(clerk_emulator_server, **EXPIRED)  # none of the emulator's

    forged = http.get("/s/me", headers=bearer("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
    late = http.get("/s/me", headers=bearer(expired))

    assert forged.status_code == late.status_code == 401
    assert forged.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert late.json()["reason"] == "token-expired"
    assert "token-expired" not in late.headers["WWW-Authenticate"]  # the message, not the code
    assert "expired" in late.headers["WWW-Authenticate"]


def test_optional_gives_none_rather_than_401(
    http: httpx.Client, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    assert http.get("/e/optional").json() == {"user_id": None}
    assert http.get("/e/optional", headers=bearer("junk")).json() == {"user_id": None}
    assert http.get("/e/optional", headers=bearer(token)).json() == {"user_id": user_id}


# -- authorization (organization claims) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "persona", "status"),
    [
        ("/s/admin", "admin", 200),
        ("/s/admin", "member", 403),
        ("/s/admin", "no_org", 403),  # no active organization: no role
        ("/s/articles", "admin", 200),
        ("/s/articles", "user_feature", 403),  # the feature is the user's, not the org's
        ("/s/teams", "admin", 403),
        ("/s/feature", "admin", 200),
        ("/s/feature", "teams_admin", 403),
        ("/s/plan", "business_admin", 200),
        ("/s/plan", "admin", 403),
        ("/s/both", "business_admin", 200),
        ("/s/both", "business_member", 403),
        ("/s/hidden", "admin", 404),
        ("/s/acme", "admin", 200),
        ("/s/acme", "other_admin", 403),
    ],
)
def test_a_route_answers_as_its_requirement_decides(
    path: str, persona: str, status: int, http: httpx.Client, personas: dict[str, SignedIn]
) -> None:
    answer = http.get(path, headers=bearer(personas[persona].token))

    assert answer.status_code == status, answer.text
    if status == 200:
        user_id = personas[persona].user_id
        assert answer.json() == {"token_type": "session_token", "id": user_id}
    else:
        assert "WWW-Authenticate" not in answer.headers  # signed in: no challenge


@pytest.mark.parametrize("prefix", ["/e", "/s", "/plain", "/custom"])
def test_a_hidden_route_answers_as_a_route_that_does_not_exist(
    origin: str, prefix: str, personas: dict[str, SignedIn]
) -> None:
    admin = bearer(personas["admin"].token)  # signed in, but not a billing member

    hidden = get(f"{origin}{prefix}/hidden", admin)
    missing = get(f"{origin}{prefix}/hidden-too", admin)

    assert hidden.status == 404
    assert seen_by_a_prober(hidden) == seen_by_a_prober(missing)


def test_a_missing_reverification_is_clerks_403(
    http: httpx.Client, personas: dict[str, SignedIn]
) -> None:
    fresh = http.get("/s/sensitive", headers=bearer(personas["recent"].token))  # fva [3, -1]
    stale = http.get("/s/sensitive", headers=bearer(personas["stale"].token))  # fva [30, -1]

    assert fresh.status_code == 200
    assert stale.status_code == 403
    assert stale.json() == {
        "clerk_error": {
            "type": "forbidden",
            "reason": "reverification-error",
            "metadata": {"reverification": {"level": "second_factor", "afterMinutes": 10}},
        }
    }


def test_without_the_handler_fastapi_answers_detail(
    http: httpx.Client, personas: dict[str, SignedIn]
) -> None:
    stale = http.get("/plain/sensitive", headers=bearer(personas["stale"].token))
    missing = http.get("/plain/me")

    assert stale.status_code == 403
    assert stale.json()["detail"]["clerk_error"]["reason"] == "reverification-error"
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert missing.json()["detail"]["reason"] == "session-token-missing"


def test_a_pending_session_is_signed_out_unless_the_route_accepts_it(
    http: httpx.Client, personas: dict[str, SignedIn]
) -> None:
    pending = bearer(personas["pending"].token)

    refused = http.get("/s/me", headers=pending)
    accepted = http.get("/s/pending-ok", headers=pending)

    assert refused.status_code == 401 and refused.json()["reason"] == "session-pending"
    assert accepted.status_code == 200


# -- machine tokens ------------------------------------------------------------------------------


def test_machine_tokens_pass_only_where_the_route_accepts_them(
    http: httpx.Client, emulator_tokens: EmulatorTokens
) -> None:
    user_id, session = emulator_tokens.user_and_session()
    api_key = bearer(emulator_tokens.api_key(user_id))

    on_machines = http.get("/e/machines", headers=api_key)
    on_any = http.get("/e/any", headers=api_key)
    on_sessions = http.get("/e/me", headers=api_key)
    session_on_machines = http.get("/e/machines", headers=bearer(session))
    session_on_any = http.get("/e/any", headers=bearer(session))

    assert on_machines.status_code == 200, on_machines.text
    assert on_machines.json() == {"token_type": "api_key", "id": user_id}
    assert on_any.status_code == 200
    assert on_sessions.status_code == 401
    assert on_sessions.json()["reason"] == "token-type-not-supported"
    assert session_on_machines.status_code == 401
    assert session_on_any.json() == {"token_type": "session_token", "id": user_id}


def test_a_machine_token_passes_a_check_but_no_role(
    http: httpx.Client, emulator_tokens: EmulatorTokens, clerk_emulator: ClerkEmulator
) -> None:
    user_id, _ = emulator_tokens.user_and_session()
    token = clerk_emulator.mint_oauth_token(user_id, scopes=["read"])["token"]
    app = FastAPI()
    clerk_auth = ClerkAuth(clerk_emulator.client())

    @app.get("/scoped")
    async def scoped(
        auth: Annotated[
            AuthObject,
            Depends(
                clerk_auth.protect(
                    accepts_token="oauth_token",
                    check=lambda auth: "read" in (getattr(auth, "scopes", None) or []),
                )
            ),
        ],
    ) -> dict[str, str]:
        return {"token_type": auth.token_type.value}

    @app.get("/role")
    async def role(
        auth: Annotated[AuthObject, Depends(clerk_auth.protect(accepts_token="any", role="x"))],
    ) -> dict[str, str]:
        return {}

    with uvicorn_served(app) as origin, httpx.Client(base_url=origin) as http2:
        assert http2.get("/scoped", headers=bearer(token)).json() == {"token_type": "oauth_token"}
        assert http2.get("/role", headers=bearer(token)).status_code == 403


# -- failures on the server's side ---------------------------------------------------------------


def _session_and_key_routes(clerk: Clerk) -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(ClerkHTTPException, clerk_exception_handler)
    app.include_router(routes(ClerkAuth(clerk)))
    return app


def test_clerk_failing_is_503_not_401(
    clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    api_key = emulator_tokens.api_key(user_id)
    app = _session_and_key_routes(clerk_emulator.client())  # a cold key cache

    clerk_emulator.faults = CLERK_DOWN
    with uvicorn_served(app) as origin:
        assert_answers_while_clerk_is_down(origin, [""], token, api_key)


def test_no_secret_key_is_503_not_401(
    monkeypatch: pytest.MonkeyPatch, clerk_emulator: ClerkEmulator
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    app = _session_and_key_routes(Clerk(server_url=clerk_emulator.url))
    token = hand_signed(clerk_emulator)

    with uvicorn_served(app) as origin:
        answer = get(f"{origin}/me", bearer(token))

    assert_unavailable(answer, "secret-key-missing", retry_after=False)


# -- the current user ----------------------------------------------------------------------------


def test_current_user_is_the_full_user(http: httpx.Client, emulator_tokens: EmulatorTokens) -> None:
    user_id, token = emulator_tokens.user_and_session("grace@example.com")

    answer = http.get("/e/user", headers=bearer(token))
    emulator_tokens.admin.users.delete(user_id)
    gone = http.get("/e/user", headers=bearer(token))

    assert answer.json() == {"id": user_id, "email": "grace@example.com"}
    assert gone.status_code == 401 and gone.json()["reason"] == "user-not-found"


# -- OpenAPI, configuration, the event loop ------------------------------------------------------


def test_the_scheme_is_in_the_openapi_document(http: httpx.Client) -> None:
    document = http.get("/openapi.json").json()

    scheme = document["components"]["securitySchemes"]["Clerk"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for path in ("/e/me", "/e/admin", "/e/optional", "/e/user", "/s/machines"):
        assert document["paths"][path]["get"]["security"] == [{"Clerk": []}], path
    assert "swagger-ui" in http.get("/docs").text


async def test_the_key_set_is_fetched_once_for_many_requests(
    clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    app = FastAPI()
    clerk_auth = ClerkAuth(clerk_emulator.client())  # a fresh client: a cold key cache

    @app.get("/me")
    async def me(auth: Annotated[SessionAuth, Depends(clerk_auth)]) -> dict[str, str | None]:
        return {"user_id": auth.user_id}

    before = sum(clerk_emulator.emulator.responses.values())
    with uvicorn_served(app) as origin:
        async with httpx.AsyncClient(base_url=origin) as client:
            answers = await asyncio.gather(
                *(client.get("/me", headers=bearer(token)) for _ in range(40))
            )
    assert {answer.json()["user_id"] for answer in answers} == {user_id}
    assert sum(clerk_emulator.emulator.responses.values()) - before == 1  # the JWKS, once


def test_configuration_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, clerk_emulator: ClerkEmulator
) -> None:
    jwt_key = clerk_emulator.jwt_key
    monkeypatch.setenv("CLERK_SECRET_KEY", clerk_emulator.secret_key)
    monkeypatch.setenv("CLERK_API_URL", clerk_emulator.url)
    monkeypatch.setenv("CLERK_JWT_KEY", jwt_key)
    monkeypatch.setenv("CLERK_AUTHORIZED_PARTIES", "https://app.example.com, https://b.example")
    monkeypatch.setenv("CLERK_PUBLISHABLE_KEY", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k")

    clerk_auth = ClerkAuth()

    assert isinstance(clerk_auth.gate.clerk, Clerk)
    assert clerk_auth.gate.clerk.server_url == clerk_emulator.url
    options = clerk_auth.gate.options
    assert options.jwt_key == jwt_key
    assert options.authorized_parties == ["https://app.example.com", "https://b.example"]
    assert options.publishable_key == "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"


def test_a_wrong_argument_fails_where_the_route_is_declared() -> None:
    import clerk_sync

    with pytest.raises(TypeError, match=r"clerk_async\.Clerk"):
        ClerkAuth(clerk_sync.Clerk("sk_test_x"))  # type: ignore[arg-type]
    clerk_auth = ClerkAuth(Clerk("sk_test_x"))
    with pytest.raises(ValueError, match="accepts_token"):
        clerk_auth.protect(accepts_token="session")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reverification"):
        clerk_auth.protect(reverification="strict_2fa")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="role"):
        clerk_auth.protect(role=1)  # type: ignore[call-overload]


def test_a_middleware_verifying_otherwise_does_not_decide_for_the_route(
    clerk_emulator: ClerkEmulator,
) -> None:
    from starlette.middleware.authentication import AuthenticationMiddleware

    from clerk_async.integrations.starlette import ClerkBackend

    client = clerk_emulator.client()
    with ClerkEmulator(rate_limit=None) as other, other.sync_client() as admin:  # another key
        user_id, other_token = EmulatorTokens(admin, other).user_and_session()
    app = FastAPI()
    app.add_middleware(AuthenticationMiddleware, backend=ClerkBackend(client))  # the emulator's key
    signed = ClerkAuth(client, options=AuthenticateRequestOptions(jwt_key=other.jwt_key))
    same = ClerkAuth(client)

    @app.get("/signed")
    async def by_signed(auth: Annotated[SessionAuth, Depends(signed)]) -> dict[str, str | None]:
        return {"user_id": auth.user_id}

    @app.get("/same")
    async def by_same(auth: Annotated[SessionAuth, Depends(same)]) -> dict[str, str | None]:
        return {"user_id": auth.user_id}

    token = bearer(other_token)
    with uvicorn_served(app) as origin, httpx.Client(base_url=origin) as client_http:
        assert client_http.get("/signed", headers=token).json() == {"user_id": user_id}
        assert client_http.get("/same", headers=token).status_code == 401


def test_a_request_is_authenticated_once_by_a_middleware_and_a_route_alike(
    clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    from starlette.middleware.authentication import AuthenticationMiddleware

    from clerk_async.integrations.starlette import ClerkBackend

    client = clerk_emulator.client()
    app = FastAPI()
    anything = AuthenticateRequestOptions(accepts_token="any")
    app.add_middleware(AuthenticationMiddleware, backend=ClerkBackend(client, options=anything))
    clerk_auth = ClerkAuth(client, options=AuthenticateRequestOptions(accepts_token="any"))
    any_token = clerk_auth.protect(accepts_token="any")

    @app.get("/key")
    async def key(auth: Annotated[AuthObject, Depends(any_token)]) -> dict[str, str]:
        return {"token_type": auth.token_type.value}

    user_id, _ = emulator_tokens.user_and_session()
    api_key = bearer(emulator_tokens.api_key(user_id))
    with uvicorn_served(app) as origin, httpx.Client(base_url=origin) as client_http:
        before = sum(clerk_emulator.emulator.responses.values())
        assert client_http.get("/key", headers=api_key).json() == {"token_type": "api_key"}
        assert sum(clerk_emulator.emulator.responses.values()) - before == 1  # one verify call
