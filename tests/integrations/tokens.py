"""Where the integration tests get their tokens.

Plain session tokens and machine tokens come from the emulator. Sessions with organization
claims (roles, permissions, features, plans, reverification ages, pending status) are signed here
with a key the tests control (``tests.support.tokens``), until the emulator puts those claims in
its own tokens: :class:`ClaimsTokens` is the seam, so switching to emulator-minted ones changes
the ``claims_tokens`` fixture only (its ``options`` are what the app verifies with).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clerk_async.security import AuthenticateRequestOptions
from clerk_sync import Clerk
from tests.support.tokens import pem_of, rsa_key, session_claims, sign

__all__ = ["ClaimsTokens", "EmulatorTokens", "bearer"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class ClaimsTokens:
    """Session tokens with the claims a test asks for (``session_claims`` changes: ``o``,
    ``fea``, ``pla``, ``fva``, ``sts``, ...), and the options that verify them."""

    key_name: str = "integrations"
    options: AuthenticateRequestOptions = field(init=False)

    def __post_init__(self) -> None:
        pem = pem_of(rsa_key(self.key_name))
        object.__setattr__(self, "options", AuthenticateRequestOptions(jwt_key=pem))

    def session(self, **changes: Any) -> str:
        return sign(session_claims(**changes), key=rsa_key(self.key_name))


@dataclass(frozen=True)
class EmulatorTokens:
    """Users, sessions and machine tokens made through the emulator's API."""

    admin: Clerk

    def user_and_session(self, email: str = "ada@example.com") -> tuple[str, str]:
        """A new user's id and a session token of theirs."""
        user = self.admin.users.create(email_address=[email])
        session = self.admin.sessions.create(user_id=user.id)
        token = self.admin.sessions.create_token(session.id).jwt
        assert token is not None
        return user.id, token

    def api_key(self, subject: str) -> str:
        return self.admin.api_keys.create_api_key(name="ci-bot", subject=subject).secret
