"""OAuth access tokens Clerk issued (as an identity provider) to an OAuth client for a user.

The Backend API has no operation that creates one (a user grants it in a browser), so the
emulator mints them on request: :meth:`ClerkEmulator.mint_oauth_token` or the control endpoint
``POST /__emulator/oauth_access_tokens``.
"""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.clock import Clock
from clerk_async.emulator.errors import param_invalid
from clerk_async.emulator.params import Body

from .common import new_id
from .token_records import TokenRecord, TokenStore, lifetime_seconds, new_token_id
from .users import UserStore

__all__ = ["DEFAULT_OAUTH_TOKEN_SECONDS", "OAuthTokenStore"]

DEFAULT_OAUTH_TOKEN_SECONDS = 3600
_MINT_FIELDS = ("user_id", "client_id", "scopes", "seconds_until_expiration")


class OAuthTokenStore(TokenStore):
    label = "OAuth access token"
    prefix = "oat_"

    def __init__(self, clock: Clock, users: UserStore) -> None:
        super().__init__(clock)
        self.users = users

    def mint(self, body: Body) -> dict[str, Any]:
        """A new token for ``user_id`` and ``client_id`` (made up when not given)."""
        body.only(_MINT_FIELDS)
        user = self.users.get(body.text("user_id", required=True) or "")
        client_id = body.text("client_id")
        if client_id == "":
            raise param_invalid("client_id", "client_id must not be empty.")
        seconds = lifetime_seconds(body, "seconds_until_expiration")
        now = self.clock.now_ms()
        data = {
            "object": "clerk_idp_oauth_access_token",
            "id": new_token_id("oat_"),
            "client_id": client_id or new_id("client_"),
            "subject": user.id,
            "scopes": body.strings("scopes"),
            "revoked": False,
            "revocation_reason": None,
            "expired": False,
            "expiration": self.expiration_ms(
                DEFAULT_OAUTH_TOKEN_SECONDS if seconds is None else seconds, now
            ),
            "created_at": now,
            "updated_at": now,
        }
        return self.with_secret(self._issue(data), "token")

    def revoke_token(self, token_or_id: str, body: Body) -> dict[str, Any]:
        record = self.find_secret(token_or_id) or self.get(token_or_id)
        return self.revoke(record, body)

    def verify_token(self, body: Body) -> dict[str, Any]:
        body.only(("access_token", "secret"))
        token = body.text("access_token") or body.text("secret", required=True) or ""
        return self.view(self.verify(token))

    def usable(self, record: TokenRecord) -> bool:
        return self.users.find(str(record.data["subject"])) is not None
