"""Where the Django and Flask integration tests get their tokens.

Plain session tokens and machine tokens come from the emulator, through its API
(:class:`~tests.integrations.tokens.EmulatorTokens`). Sessions with organization claims (roles,
permissions, features, plans, reverification ages, pending status) are signed here, with PyJWT and
the emulator's own key and key id, so a Django or Flask app configured for the emulator verifies
both kinds the same way, through the JWKS its client fetches: :meth:`SyncTokens.with_claims` is
the seam to switch to tokens the emulator mints from its organizations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerk_async.emulator import ClerkEmulator
from clerk_sync import Clerk
from tests.integrations.tokens import EmulatorTokens, bearer
from tests.support.tokens import session_claims, sign

__all__ = ["SyncTokens", "bearer"]


@dataclass(frozen=True)
class SyncTokens(EmulatorTokens):
    emulator: ClerkEmulator

    def with_claims(self, **changes: Any) -> str:
        """A session token with Clerk's v2 claims (``session_claims``: an organization admin
        with ``org:articles:read``/``manage``, signed in just now) changed by ``changes``."""
        key = self.emulator.emulator.key
        return sign(session_claims(**changes), key=key.private_key, kid=key.kid)

    def m2m_token(self) -> str:
        """A live M2M token (``mt_``) of a machine."""
        api = self.admin.machines.create(name="api")
        worker = self.admin.machines.create(name="worker", scoped_machines=[api.id])
        with Clerk(bearer_auth=worker.secret_key, server_url=self.emulator.url) as as_worker:
            return as_worker.m2m.create_token(seconds_until_expiration=60).token
