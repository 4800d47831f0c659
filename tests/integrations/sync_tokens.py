"""Where the Django and Flask integration tests get their tokens.

Plain session tokens and machine tokens (API keys, M2M tokens) come from the emulator, through its
API. Sessions with organization claims (roles, permissions, features, plans, reverification ages,
pending status) are signed here, with PyJWT and the emulator's own key and key id (so the app
verifies both kinds the same way, through the JWKS its client fetches), until the emulator puts
those claims in its tokens: :meth:`SyncTokens.with_claims` is the seam to switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerk_async.emulator import ClerkEmulator
from clerk_sync import Clerk
from tests.support.tokens import session_claims, sign

__all__ = ["SyncTokens", "bearer"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class SyncTokens:
    emulator: ClerkEmulator
    admin: Clerk

    def user_and_session(self, email: str = "ada@example.com") -> tuple[str, str]:
        """A new user's id and a session token of theirs, minted by the emulator."""
        user = self.admin.users.create(email_address=[email])
        session = self.admin.sessions.create(user_id=user.id)
        token = self.admin.sessions.create_token(session.id).jwt
        assert token is not None
        return user.id, token

    def with_claims(self, **changes: Any) -> str:
        """A session token with Clerk's v2 claims (``session_claims``: an organization admin
        with ``org:articles:read``/``manage``, signed in just now) changed by ``changes``."""
        key = self.emulator.emulator.key
        return sign(session_claims(**changes), key=key.private_key, kid=key.kid)

    def api_key(self, subject: str) -> str:
        """A live API key (``ak_``) of ``subject`` (a user or organization id)."""
        return self.admin.api_keys.create_api_key(name="ci-bot", subject=subject).secret

    def m2m_token(self) -> str:
        """A live M2M token (``mt_``) of a machine."""
        api = self.admin.machines.create(name="api")
        worker = self.admin.machines.create(name="worker", scoped_machines=[api.id])
        with Clerk(bearer_auth=worker.secret_key, server_url=self.emulator.url) as as_worker:
            return as_worker.m2m.create_token(seconds_until_expiration=60).token
