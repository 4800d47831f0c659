"""Machine tokens: opaque ones verified by Clerk through the generated operations (the right body,
key and headers; a 200 that says "not live" does not verify), JWT ones without any call."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from clerk_async import Clerk
from clerk_async.security import (
    APIKeyMachineAuthObject,
    AuthenticateRequestOptions,
    M2MMachineAuthObject,
    OAuthMachineAuthObject,
    TokenVerificationError,
    VerifyTokenOptions,
    verify_token,
)
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.server import SECRET_KEY, Reply, ScriptedServer, clerk_error
from tests.support.tokens import CATEGORY_M2M, pem_of, rsa_key, sign

API_KEY = "ak_" + "0" * 32
M2M_TOKEN = "mt_" + "1" * 32
OAUTH_TOKEN = "oat_" + "2" * 32
MACHINE_KEY = "ak_machine_secret_0123456789"
#: Every check here runs at this instant, however long the suite takes to reach it.
NOW_S = 1_767_225_600
NOW_MS = NOW_S * 1000


def _clock() -> float:
    return NOW_S


ANY = AuthenticateRequestOptions(accepts_token="any", clock=_clock)
AT_NOW = VerifyTokenOptions(clock=_clock)


def _api_key_record(**changes: Any) -> dict[str, Any]:
    record = {
        "object": "api_key",
        "id": "ak_" + "a" * 32,
        "type": "api_key",
        "subject": "user_" + "u" * 27,
        "name": "ci",
        "claims": {"team": "infra"},
        "scopes": ["read"],
        "revoked": False,
        "revocation_reason": None,
        "expired": False,
        "expiration": None,
        "created_by": None,
        "last_used_at": None,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    return {**record, **changes}


def _m2m_record(**changes: Any) -> dict[str, Any]:
    record = {
        "object": "machine_to_machine_token",
        "id": M2M_TOKEN,
        "subject": "mch_" + "m" * 27,
        "claims": None,
        "scopes": ["mch_other"],
        "revoked": False,
        "revocation_reason": None,
        "expired": False,
        "expiration": NOW_MS + 60_000,
        "last_used_at": None,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    return {**record, **changes}


def _oauth_record(**changes: Any) -> dict[str, Any]:
    record = {
        "object": "clerk_idp_oauth_access_token",
        "id": OAUTH_TOKEN,
        "client_id": "client_1",
        "subject": "user_" + "u" * 27,
        "scopes": ["email"],
        "revoked": False,
        "revocation_reason": None,
        "expired": False,
        "expiration": NOW_MS + 60_000,
        "created_at": NOW_MS,
        "updated_at": NOW_MS,
    }
    return {**record, **changes}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_api_key_is_verified_with_its_secret(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("POST", "/v1/api_keys/verify", Reply(json=_api_key_record()))

    state = await client.authenticate_request(
        _bearer(API_KEY), AuthenticateRequestOptions(accepts_token=["api_key"], clock=_clock)
    )

    assert state.is_signed_in, state.reason
    auth = state.to_auth()
    assert isinstance(auth, APIKeyMachineAuthObject)
    assert auth.user_id == "user_" + "u" * 27 and auth.scopes == ["read"]
    assert auth.claims == {"team": "infra"}
    (sent,) = server.received
    assert json.loads(sent.body) == {"secret": API_KEY}
    assert sent.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert sent.headers["Clerk-API-Version"] == "2026-05-12"


async def test_an_m2m_token_is_sent_as_token_with_the_machine_key(
    client: Clerk, server: ScriptedServer
) -> None:
    server.script("POST", "/v1/m2m_tokens/verify", Reply(json=_m2m_record()))

    with_machine_key = AuthenticateRequestOptions(
        accepts_token="m2m_token", machine_secret_key=MACHINE_KEY, clock=_clock
    )
    state = await client.authenticate_request(_bearer(M2M_TOKEN), with_machine_key)
    plain = await client.authenticate_request(_bearer(M2M_TOKEN), ANY)

    assert state.is_signed_in and plain.is_signed_in
    auth = state.to_auth()
    assert isinstance(auth, M2MMachineAuthObject)
    assert auth.machine_id == "mch_" + "m" * 27
    first, second = server.received
    assert json.loads(first.body) == {"token": M2M_TOKEN}  # not {"secret": ...}
    assert first.headers["Authorization"] == f"Bearer {MACHINE_KEY}"
    assert second.headers["Authorization"] == f"Bearer {SECRET_KEY}"


async def test_an_oauth_token_is_sent_as_access_token(
    client: Clerk, server: ScriptedServer
) -> None:
    path = "/v1/oauth_applications/access_tokens/verify"
    server.script("POST", path, Reply(json=_oauth_record()))

    state = await client.authenticate_request(_bearer(OAUTH_TOKEN), ANY)

    auth = state.to_auth()
    assert isinstance(auth, OAuthMachineAuthObject)
    assert (auth.user_id, auth.client_id, auth.scopes) == (
        "user_" + "u" * 27,
        "client_1",
        ["email"],
    )
    assert json.loads(server.received[0].body) == {"access_token": OAUTH_TOKEN}


REVOKED = "This machine token has been revoked."
EXPIRED = "This machine token has expired."


@pytest.mark.parametrize(
    ("path", "token", "answer", "reason", "message"),
    [
        (
            "/v1/oauth_applications/access_tokens/verify",
            OAUTH_TOKEN,
            {"active": False},
            Reason.TOKEN_EXPIRED,
            "Clerk says this OAuth access token is not active (expired).",
        ),
        (
            "/v1/api_keys/verify",
            API_KEY,
            _api_key_record(revoked=True),
            Reason.TOKEN_INVALID,
            REVOKED,
        ),
        (
            "/v1/api_keys/verify",
            API_KEY,
            _api_key_record(revoked=True, expired=True, revocation_reason="leaked"),
            Reason.TOKEN_INVALID,
            "This machine token has been revoked ('leaked').",
        ),
        (
            "/v1/api_keys/verify",
            API_KEY,
            _api_key_record(expired=True),
            Reason.TOKEN_EXPIRED,
            EXPIRED,
        ),
        (
            "/v1/api_keys/verify",
            API_KEY,
            _api_key_record(expiration=NOW_MS - 60_000),
            Reason.TOKEN_EXPIRED,
            EXPIRED,
        ),
        (
            "/v1/m2m_tokens/verify",
            M2M_TOKEN,
            _m2m_record(revoked=True),
            Reason.TOKEN_INVALID,
            REVOKED,
        ),
        (
            "/v1/m2m_tokens/verify",
            M2M_TOKEN,
            _m2m_record(expired=True),
            Reason.TOKEN_EXPIRED,
            EXPIRED,
        ),
    ],
)
async def test_a_200_that_says_the_token_is_not_live_does_not_verify_and_says_why(
    path: str,
    token: str,
    answer: dict[str, Any],
    reason: Reason,
    message: str,
    client: Clerk,
    server: ScriptedServer,
) -> None:
    server.script("POST", path, Reply(json=answer))
    state = await client.authenticate_request(_bearer(token), ANY)
    assert (state.reason, state.message) == (reason, message)
    with pytest.raises(TokenVerificationError) as caught:
        await client.verify_token(token, AT_NOW)
    assert (caught.value.reason, str(caught.value)) == (reason, message)
    assert pickle.loads(pickle.dumps(caught.value)).args == caught.value.args


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (clerk_error(401, "authentication_invalid", "bad key"), Reason.SECRET_KEY_INVALID),
        (clerk_error(404, "resource_not_found", "API key not found"), Reason.TOKEN_INVALID),
        (clerk_error(400, "form_param_missing", "secret"), Reason.TOKEN_INVALID),
        (clerk_error(500, "internal_clerk_error", "boom"), Reason.SERVER_ERROR),
        (Reply(json={"object": "api_key"}), Reason.SERVER_ERROR),  # an answer that does not decode
        (Reply(body=b'{"claims":' + b"[" * 5000 + b"]" * 5000 + b"}"), Reason.SERVER_ERROR),
    ],
)
async def test_a_failed_verify_call_is_a_typed_reason(
    reply: Reply, reason: Reason, client: Clerk, server: ScriptedServer
) -> None:
    server.script("POST", "/v1/api_keys/verify", reply)
    state = await client.authenticate_request(_bearer(API_KEY), ANY)
    assert state.reason is reason
    assert API_KEY not in (state.message or "")


async def test_verify_token_returns_clerks_record(client: Clerk, server: ScriptedServer) -> None:
    server.script("POST", "/v1/api_keys/verify", Reply(json=_api_key_record()))
    record = await client.verify_token(API_KEY, AT_NOW)
    assert record["id"] == "ak_" + "a" * 32 and record["subject"].startswith("user_")


async def test_without_a_key_no_call_is_made(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    async with Clerk(server_url=server.url) as client:
        with pytest.raises(TokenVerificationError) as caught:
            await client.verify_token(API_KEY)
    assert caught.value.reason is Reason.SECRET_KEY_MISSING  # never "Bearer None"
    with pytest.raises(TokenVerificationError) as caught:
        await verify_token(API_KEY, VerifyTokenOptions(api_url=server.url.removesuffix("/v1")))
    assert caught.value.reason is Reason.SECRET_KEY_MISSING
    assert server.received == []


async def test_the_module_function_verifies_through_a_short_lived_client(
    server: ScriptedServer,
) -> None:
    server.script("POST", "/v1/m2m_tokens/verify", Reply(json=_m2m_record()))
    options = VerifyTokenOptions(
        machine_secret_key=MACHINE_KEY, api_url=server.url.removesuffix("/v1"), clock=_clock
    )
    record = await verify_token(M2M_TOKEN, options)
    assert record["subject"].startswith("mch_")
    assert server.received[0].headers["Authorization"] == f"Bearer {MACHINE_KEY}"
    assert json.loads(server.received[0].body) == {"token": M2M_TOKEN}


async def test_a_jwt_m2m_token_is_verified_without_a_call(
    client: Clerk, server: ScriptedServer
) -> None:
    claims = {"sub": "mch_2abc", "jti": "mt_9", "iat": NOW_S, "exp": NOW_S + 60}
    token = sign(claims, cat=CATEGORY_M2M)
    options = AuthenticateRequestOptions(
        accepts_token="m2m_token", jwt_key=pem_of(rsa_key()), clock=_clock
    )
    state = await client.authenticate_request(_bearer(token), options)
    assert state.is_signed_in, state.reason
    assert server.received == []


async def test_a_machine_tokens_expiration_is_judged_by_the_clock_option(
    client: Clerk, server: ScriptedServer
) -> None:
    record = _api_key_record(expiration=NOW_MS + 60_000)
    server.script("POST", "/v1/api_keys/verify", Reply(json=record))

    def later() -> float:
        return NOW_S + 120

    assert (await client.authenticate_request(_bearer(API_KEY), ANY)).is_signed_in
    late = AuthenticateRequestOptions(accepts_token="any", clock=later)
    assert (
        await client.authenticate_request(_bearer(API_KEY), late)
    ).reason is Reason.TOKEN_EXPIRED
