"""Where the integration tests get their tokens: from the emulator.

Session tokens with organization claims (roles, permissions, features, plans, reverification ages,
pending status) are the emulator's, minted once for all these tests, for the personas of
``tests.integrations.personas`` (the ``personas`` fixture). Plain sessions, API keys and M2M
tokens are made per test through the emulator's API (:class:`EmulatorTokens`).
:func:`hand_signed` signs a token here, with the emulator's key, for the few cases the emulator
cannot issue: each use says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerk_async.emulator import ClerkEmulator
from clerk_sync import Clerk
from tests.support.tokens import session_claims, sign

__all__ = ["EXPIRED", "EmulatorTokens", "bearer", "hand_signed"]

#: ``hand_signed`` changes for a token that expired long ago: the emulator mints tokens that live
#: at least 30 s from now (on the wall clock, which verifiers read, whatever its own clock says).
EXPIRED = {"exp": 1_000_000, "iat": 999_000, "nbf": 999_000}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def hand_signed(emulator: ClerkEmulator, **changes: Any) -> str:
    """A v2 session token signed here with the emulator's key and key id (so an app configured
    for the emulator verifies it), with ``session_claims`` (an ``azp``, an organization admin)
    changed by ``changes``. Only for what the emulator cannot issue."""
    key = emulator.emulator.key
    return sign(session_claims(**changes), key=key.private_key, kid=key.kid)


@dataclass(frozen=True)
class EmulatorTokens:
    """Users, sessions and machine tokens made through the emulator's API."""

    admin: Clerk
    emulator: ClerkEmulator

    def user_and_session(self, email: str = "ada@example.com") -> tuple[str, str]:
        """A new user's id and a session token of theirs."""
        user = self.admin.users.create(email_address=[email])
        return user.id, self.new_session(user.id)

    def new_session(self, user_id: str) -> str:
        """The token of a new session of the user ``user_id``."""
        session = self.admin.sessions.create(user_id=user_id)
        token = self.admin.sessions.create_token(session.id).jwt
        assert token is not None
        return token

    def api_key(self, subject: str) -> str:
        return self.admin.api_keys.create_api_key(name="ci-bot", subject=subject).secret

    def m2m_token(self) -> str:
        """A live M2M token (``mt_``) of a machine."""
        api = self.admin.machines.create(name="api")
        worker = self.admin.machines.create(name="worker", scoped_machines=[api.id])
        with Clerk(bearer_auth=worker.secret_key, server_url=self.emulator.url) as as_worker:
            return as_worker.m2m.create_token(seconds_until_expiration=60).token
