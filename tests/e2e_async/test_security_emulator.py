"""End to end: a session token the emulator mints, verified through the client with its /jwks."""

from __future__ import annotations

from clerk_async import Clerk
from clerk_async.security import (
    AuthenticateRequestOptions,
    AuthErrorReason,
    SessionAuthObjectV2,
    VerifyTokenOptions,
    authenticate_request,
    verify_token,
)
from tests.support.emulator import ClerkEmulator


async def test_an_emulator_session_token_signs_in(clerk: Clerk) -> None:
    user = await clerk.users.create(email_address=["ada@example.com"])
    org = await clerk.organizations.create(name="Acme", created_by=user.id)
    session = await clerk.sessions.create(user_id=user.id, active_organization_id=org.id)
    token = (await clerk.sessions.create_token(session.id)).jwt
    assert token is not None

    state = await clerk.authenticate_request({"Authorization": f"Bearer {token}"})
    claims = await clerk.verify_token(token)

    assert state.is_signed_in, state.reason
    auth = state.to_auth()
    assert isinstance(auth, SessionAuthObjectV2)
    assert (auth.user_id, auth.session_id, auth.org_id) == (user.id, session.id, org.id)
    assert auth.org_role == "org:admin"
    assert auth.org_slug == org.slug
    assert claims["sid"] == session.id


async def test_a_template_token_is_not_a_session(clerk: Clerk) -> None:
    user = await clerk.users.create(email_address=["tpl@example.com"])
    session = await clerk.sessions.create(user_id=user.id)
    await clerk.jwt_templates.create(name="hasura", claims={"uid": "{{user.id}}"})
    token = (await clerk.sessions.create_token_from_template(session.id, "hasura")).jwt
    assert token is not None

    state = await clerk.authenticate_request({"Authorization": f"Bearer {token}"})
    claims = await clerk.verify_token(token)  # verify_token takes template tokens

    assert state.reason is AuthErrorReason.TOKEN_TYPE_MISMATCH
    assert claims["uid"] == user.id


async def test_the_module_function_with_the_emulators_key(
    clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await clerk.users.create(email_address=["mod@example.com"])
    session = await clerk.sessions.create(user_id=user.id)
    token = (await clerk.sessions.create_token(session.id)).jwt
    assert token is not None

    options = AuthenticateRequestOptions(
        secret_key=clerk_emulator.secret_key, api_url=clerk_emulator.origin
    )
    state = await authenticate_request({"cookie": f"__session={token}; __client_uat=1"}, options)

    assert state.is_signed_in, state.reason
    assert state.payload is not None and state.payload["sub"] == user.id


async def test_a_token_verifies_networkless_with_the_emulators_jwt_key(
    clerk: Clerk, clerk_emulator: ClerkEmulator
) -> None:
    user = await clerk.users.create(email_address=["pem@example.com"])
    session = await clerk.sessions.create(user_id=user.id)
    token = (await clerk.sessions.create_token(session.id)).jwt
    assert token is not None
    before = sum(clerk_emulator.emulator.responses.values())

    claims = await verify_token(token, VerifyTokenOptions(jwt_key=clerk_emulator.jwt_key))

    assert claims["sub"] == user.id
    assert sum(clerk_emulator.emulator.responses.values()) == before  # no call at all
