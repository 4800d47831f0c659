"""End to end: machine tokens the emulator issues (API keys, M2M tokens, OAuth access tokens),
verified by ``authenticate_request`` through the client: live ones sign in as what they stand
for; revoked, expired (on the emulator's clock) and unknown ones sign out."""

from __future__ import annotations

from typing import Any

import pytest

from clerk_async import Clerk, NotFoundError
from clerk_async.security import (
    APIKeyMachineAuthObject,
    AuthenticateRequestOptions,
    AuthErrorReason,
    M2MMachineAuthObject,
    OAuthMachineAuthObject,
    TokenVerificationError,
    TokenVerificationErrorReason,
)
from tests.support.emulator import ClerkEmulator

API_KEYS = AuthenticateRequestOptions(accepts_token=["api_key"])
M2M_TOKENS = AuthenticateRequestOptions(accepts_token=["m2m_token"])
OAUTH_TOKENS = AuthenticateRequestOptions(accepts_token=["oauth_token"])
#: Reasons that blame the server or our key, not the token: never the answer for a bad token.
NOT_THE_TOKENS_FAULT = (
    TokenVerificationErrorReason.SERVER_ERROR,
    TokenVerificationErrorReason.SECRET_KEY_INVALID,
)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _signed_out_for_the_token(state: Any) -> None:
    assert not state.is_signed_in
    assert isinstance(state.reason, TokenVerificationErrorReason), state.reason
    assert state.reason not in NOT_THE_TOKENS_FAULT, state.reason


async def _machines(clerk: Clerk) -> tuple[Any, Any]:
    """A ``worker`` machine that may call the ``api`` machine."""
    api = await clerk.machines.create(name="api")
    worker = await clerk.machines.create(name="worker", scoped_machines=[api.id])
    return worker, api


# -- API keys ----------------------------------------------------------------------------------


async def test_a_live_api_key_signs_in_as_its_user(clerk: Clerk) -> None:
    user = await clerk.users.create(email_address=["ada@example.com"])
    key = await clerk.api_keys.create_api_key(
        name="ci-bot", subject=user.id, scopes=["read"], claims={"team": "infra"}
    )
    assert key.secret.startswith("ak_") and key.secret != key.id

    state = await clerk.authenticate_request(_bearer(key.secret), API_KEYS)
    record = await clerk.verify_token(key.secret)

    assert state.is_signed_in, state.reason
    auth = state.to_auth()
    assert isinstance(auth, APIKeyMachineAuthObject)
    assert (auth.id, auth.user_id, auth.name) == (key.id, user.id, "ci-bot")
    assert (auth.scopes, auth.claims) == (["read"], {"team": "infra"})
    assert record["subject"] == user.id and record["last_used_at"] is not None


@pytest.mark.parametrize("spoil", ["revoked", "expired", "unknown", "owner deleted"])
async def test_a_dead_api_key_signs_out(
    spoil: str, clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await clerk.users.create(email_address=["grace@example.com"])
    org = await clerk.organizations.create(name="Acme", created_by=user.id)
    key = await clerk.api_keys.create_api_key(
        name="deploys", subject=org.id, seconds_until_expiration=60
    )
    secret = key.secret
    if spoil == "revoked":
        await clerk.api_keys.revoke_api_key(key.id, revocation_reason="leaked")
    elif spoil == "expired":
        clerk_emulator.advance_clock(30)
        assert (await clerk.authenticate_request(_bearer(secret), API_KEYS)).is_signed_in
        clerk_emulator.advance_clock(30)
    elif spoil == "unknown":
        secret = "ak_" + "x" * 32
    else:
        await clerk.organizations.delete(org.id)

    state = await clerk.authenticate_request(_bearer(secret), API_KEYS)

    _signed_out_for_the_token(state)
    with pytest.raises(TokenVerificationError):
        await clerk.verify_token(secret)
    with pytest.raises(NotFoundError) as answer:
        await clerk.api_keys.verify_api_key(secret=secret)
    expected = {"revoked": "token_revoked", "expired": "token_expired"}
    assert answer.value.code == expected.get(spoil, "resource_not_found")


async def test_an_api_key_is_refused_where_only_other_tokens_are_accepted(
    clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await clerk.users.create(email_address=["lin@example.com"])
    key = await clerk.api_keys.create_api_key(name="ci-bot", subject=user.id)
    answered = sum(clerk_emulator.emulator.responses.values())

    for options in (M2M_TOKENS, AuthenticateRequestOptions()):  # the default: session tokens
        state = await clerk.authenticate_request(_bearer(key.secret), options)
        assert state.reason is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED

    assert sum(clerk_emulator.emulator.responses.values()) == answered  # not even asked


# -- M2M tokens --------------------------------------------------------------------------------


async def test_a_live_m2m_token_signs_in_as_its_machine(
    clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    worker, api = await _machines(clerk)
    async with Clerk(bearer_auth=worker.secret_key, server_url=clerk_emulator.url) as as_worker:
        minted = await as_worker.m2m.create_token(
            seconds_until_expiration=60, claims={"job": "sync"}
        )
    assert minted.token.startswith("mt_") and minted.subject == worker.id

    with_instance_key = await clerk.authenticate_request(_bearer(minted.token), M2M_TOKENS)
    as_api = AuthenticateRequestOptions(
        accepts_token=["m2m_token"], machine_secret_key=api.secret_key
    )
    with_api_key = await clerk.authenticate_request(_bearer(minted.token), as_api)

    for state in (with_instance_key, with_api_key):
        assert state.is_signed_in, state.reason
        auth = state.to_auth()
        assert isinstance(auth, M2MMachineAuthObject)
        assert (auth.id, auth.machine_id, auth.scopes) == (minted.id, worker.id, [api.id])
        assert auth.claims == {"job": "sync"}


@pytest.mark.parametrize("spoil", ["revoked", "expired", "unknown", "not granted"])
async def test_a_dead_m2m_token_signs_out(
    spoil: str, clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    worker, _ = await _machines(clerk)
    options, checker = M2M_TOKENS, clerk
    async with Clerk(bearer_auth=worker.secret_key, server_url=clerk_emulator.url) as as_worker:
        minted = await as_worker.m2m.create_token(seconds_until_expiration=60)
        token = minted.token
        if spoil == "revoked":
            await as_worker.m2m.revoke_token(minted.id, revocation_reason="rotated")
        elif spoil == "expired":
            clerk_emulator.advance_clock(60)
        elif spoil == "unknown":
            token = "mt_" + "x" * 32
        else:  # checked with the key of a machine the token does not reach: the worker's own
            options = AuthenticateRequestOptions(
                accepts_token=["m2m_token"], machine_secret_key=worker.secret_key
            )
            checker = as_worker

        state = await clerk.authenticate_request(_bearer(token), options)

        _signed_out_for_the_token(state)
        with pytest.raises(NotFoundError) as answer:
            await checker.m2m.verify_token(token=token)
    if spoil == "revoked":
        assert answer.value.code == "token_revoked" and "rotated" in str(answer.value)
    if spoil == "expired":
        assert answer.value.code == "token_expired"


async def test_a_jwt_m2m_token_verifies_without_a_call(
    clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    worker, api = await _machines(clerk)
    async with Clerk(bearer_auth=worker.secret_key, server_url=clerk_emulator.url) as as_worker:
        minted = await as_worker.m2m.create_token(token_format="jwt")
    answered = sum(clerk_emulator.emulator.responses.values())

    options = AuthenticateRequestOptions(
        accepts_token=["m2m_token"], jwt_key=clerk_emulator.jwt_key
    )
    state = await clerk.authenticate_request(_bearer(minted.token), options)

    assert state.is_signed_in, state.reason
    auth = state.to_auth()
    assert isinstance(auth, M2MMachineAuthObject)
    assert (auth.id, auth.machine_id, auth.scopes) == (minted.id, worker.id, [api.id])
    assert sum(clerk_emulator.emulator.responses.values()) == answered


# -- OAuth access tokens -----------------------------------------------------------------------


async def test_a_live_oauth_token_signs_in_as_its_user(
    clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await clerk.users.create(email_address=["ole@example.com"])
    minted = clerk_emulator.mint_oauth_token(user.id, client_id="app_1", scopes=["email"])
    assert minted["token"].startswith("oat_")

    state = await clerk.authenticate_request(_bearer(minted["token"]), OAUTH_TOKENS)

    assert state.is_signed_in, state.reason
    auth = state.to_auth()
    assert isinstance(auth, OAuthMachineAuthObject)
    assert (auth.id, auth.user_id, auth.client_id) == (minted["id"], user.id, "app_1")
    assert auth.scopes == ["email"]


@pytest.mark.parametrize("spoil", ["revoked", "expired", "unknown", "user deleted"])
async def test_a_dead_oauth_token_signs_out(
    spoil: str, clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await clerk.users.create(email_address=["kay@example.com"])
    token = clerk_emulator.mint_oauth_token(user.id, seconds_until_expiration=60)["token"]
    if spoil == "revoked":
        clerk_emulator.revoke_oauth_token(token, "signed out everywhere")
    elif spoil == "expired":
        clerk_emulator.advance_clock(60)
    elif spoil == "unknown":
        token = "oat_" + "x" * 32
    else:
        await clerk.users.delete(user.id)

    state = await clerk.authenticate_request(_bearer(token), OAUTH_TOKENS)

    _signed_out_for_the_token(state)
    with pytest.raises(NotFoundError):
        await clerk.oauth_access_tokens.verify(access_token=token)
