"""What API keys, M2M tokens and OAuth access tokens share: an opaque secret kept by Clerk, its
record, revocation, expiry on the emulator's clock, and the verify answer.

Verifying a secret answers its record (``last_used_at`` updated) while it is live. Clerk's SDKs
say verification *fails* for an unknown, revoked or expired token, and Clerk's JS backend reads a
404 as "token invalid"; so each failure is a 404 in Clerk's error format, told apart by its code:
``resource_not_found`` (no such secret), ``token_revoked`` (with the reason) or ``token_expired``.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from clerk_async.emulator.clock import Clock
from clerk_async.emulator.errors import APIError, param_invalid
from clerk_async.emulator.params import Body

from .common import random_token

__all__ = ["TokenRecord", "TokenStore", "lifetime_seconds", "new_token_id"]


def new_token_id(prefix: str) -> str:
    """``prefix`` + 32 hex digits: the id shape of Clerk's API keys and M2M/OAuth tokens."""
    return prefix + os.urandom(16).hex()


def lifetime_seconds(body: Body, name: str) -> float | None:
    """A positive number of seconds (Clerk takes fractions here), or ``None``."""
    value = body.data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise param_invalid(name, f"{name} must be a number of seconds greater than 0.")
    return value


class TokenRecord:
    """One token: its wire record (without the secret), the secret, its creation order."""

    __slots__ = ("data", "secret", "seq")

    def __init__(self, data: dict[str, Any], secret: str, seq: int) -> None:
        self.data = data
        self.secret = secret
        self.seq = seq

    @property
    def id(self) -> str:
        return str(self.data["id"])


class TokenStore:
    """The tokens of one kind. ``label`` names it in errors; secrets start with ``prefix``."""

    label = "token"
    prefix = ""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.records: dict[str, TokenRecord] = {}
        self._by_secret: dict[str, str] = {}
        self._seq = itertools.count()

    # -- keeping records -----------------------------------------------------------------------

    def _issue(self, data: dict[str, Any]) -> TokenRecord:
        """Store a new record (``data`` has its ``id``) under a fresh secret."""
        record = TokenRecord(data, self.prefix + random_token(32), next(self._seq))
        self.records[record.id] = record
        self._by_secret[record.secret] = record.id
        return record

    def _forget(self, record: TokenRecord) -> None:
        del self.records[record.id]
        self._by_secret.pop(record.secret, None)

    def get(self, token_id: str) -> TokenRecord:
        record = self.records.get(token_id)
        if record is None:
            raise APIError(
                404, "resource_not_found", "not found", f"No {self.label} has the id {token_id}."
            )
        return record

    def find_secret(self, secret: str) -> TokenRecord | None:
        token_id = self._by_secret.get(secret)
        return None if token_id is None else self.records.get(token_id)

    def expired(self, record: TokenRecord) -> bool:
        expiration = record.data["expiration"]
        return expiration is not None and expiration <= self.clock.now_ms()

    def live(self, record: TokenRecord) -> bool:
        return not record.data["revoked"] and not self.expired(record)

    def view(self, record: TokenRecord) -> dict[str, Any]:
        """The record as Clerk answers it, ``expired`` as of now."""
        return {**record.data, "expired": self.expired(record)}

    def with_secret(self, record: TokenRecord, field: str) -> dict[str, Any]:
        """The record with its secret under ``field``: only creation answers it this way."""
        view = self.view(record)
        return {**view, field: record.secret}

    @staticmethod
    def expiration_ms(seconds: float | None, now_ms: int) -> int | None:
        return None if seconds is None else now_ms + round(seconds * 1000)

    # -- operations ----------------------------------------------------------------------------

    def revoke(self, record: TokenRecord, body: Body) -> dict[str, Any]:
        body.only(("revocation_reason",))
        reason = body.text("revocation_reason")
        if not record.data["revoked"]:
            record.data.update(
                revoked=True, revocation_reason=reason, updated_at=self.clock.now_ms()
            )
        return self.view(record)

    def verify(self, secret: str) -> TokenRecord:
        """The live record of ``secret``; a 404 saying why when there is none."""
        record = self.find_secret(secret)
        if record is None or not self.usable(record):
            raise self.not_found()
        if record.data["revoked"]:
            reason = record.data["revocation_reason"]
            because = f": {reason}" if reason else ""
            raise APIError(
                404, "token_revoked", "token revoked", f"This {self.label} was revoked{because}."
            )
        if self.expired(record):
            raise APIError(404, "token_expired", "token expired", f"This {self.label} expired.")
        if "last_used_at" in record.data:  # OAuth access token records have no such field
            record.data["last_used_at"] = self.clock.now_ms()
        return record

    def usable(self, record: TokenRecord) -> bool:
        """Whether what the token stands for still exists (its user, org or machine)."""
        return True

    def not_found(self) -> APIError:
        label = self.label[0].upper() + self.label[1:]
        return APIError(404, "resource_not_found", "not found", f"{label} not found")
