"""M2M tokens: what a machine, authenticated by its secret key, mints to call other machines.

A token's ``scopes`` are the machines its machine may reach. An opaque token (``mt_...``) is kept
and verified here; a JWT-format one is signed with the instance key (category M2M) and verified
without a call, so it is neither kept nor revocable, as in Clerk.
"""

from __future__ import annotations

import time
from typing import Any

from clerk_async._security.token_types import CATEGORY_M2M
from clerk_async.emulator.clock import Clock
from clerk_async.emulator.errors import APIError, bad_request, param_invalid, param_value_invalid
from clerk_async.emulator.params import Body, Query
from clerk_async.emulator.tokens import SigningKey

from .machines import MachineRecord, MachineStore
from .token_records import TokenRecord, TokenStore, lifetime_seconds, new_token_id

__all__ = ["M2MTokenStore"]

_CREATE_FIELDS = ("token_format", "seconds_until_expiration", "claims", "min_remaining_ttl_seconds")
MAX_LIMIT = 100


class M2MTokenStore(TokenStore):
    label = "M2M token"
    prefix = "mt_"

    def __init__(self, clock: Clock, machines: MachineStore, key: SigningKey, issuer: str) -> None:
        super().__init__(clock)
        self.machines = machines
        self.key = key
        self.issuer = issuer

    def create(self, caller: str | None, body: Body) -> dict[str, Any]:
        machine = self._caller(caller)
        body.only(_CREATE_FIELDS)
        token_format = body.text("token_format") or "opaque"
        if token_format not in ("opaque", "jwt"):
            raise param_value_invalid("token_format", "token_format must be opaque or jwt.")
        seconds = lifetime_seconds(body, "seconds_until_expiration")
        lifetime = machine.data["default_token_ttl"] if seconds is None else seconds
        claims = body.data.get("claims")
        scopes = list(machine.scopes)
        min_ttl = body.integer("min_remaining_ttl_seconds", minimum=0)
        if min_ttl is not None and min_ttl >= lifetime:
            raise bad_request(
                "bad_request",
                "Bad Request",
                "min_remaining_ttl_seconds must be less than the token's lifetime "
                f"({lifetime} s): no new token could satisfy it.",
            )
        if token_format == "jwt":
            return self._jwt(machine, lifetime, claims, scopes)
        if min_ttl is not None:
            reused = self._reusable(machine.id, claims, scopes, min_ttl)
            if reused is not None:
                return self.with_secret(reused, "token")
        now = self.clock.now_ms()
        data = {
            "object": "machine_to_machine_token",
            "id": new_token_id("mt_"),
            "subject": machine.id,
            "claims": claims,
            "scopes": scopes,
            "revoked": False,
            "revocation_reason": None,
            "expired": False,
            "expiration": self.expiration_ms(lifetime, now),
            "last_used_at": None,
            "created_at": now,
            "updated_at": now,
        }
        return self.with_secret(self._issue(data), "token")

    def listing(self, caller: str | None, query: Query) -> dict[str, Any]:
        subject = query.text("subject")
        if not subject:
            raise param_invalid("subject", "subject is required.")
        if caller is not None and caller != subject:
            raise APIError(
                403,
                "authorization_invalid",
                "forbidden",
                f"A machine secret key lists only its own machine's tokens, not {subject}'s.",
            )
        revoked, expired = query.flag("revoked"), query.flag("expired")
        selected = [
            r
            for r in sorted(self.records.values(), key=lambda r: r.seq, reverse=True)
            if r.data["subject"] == subject
            and (revoked is None or r.data["revoked"] == revoked)
            and (expired is None or self.expired(r) == expired)
        ]
        limit = query.integer("limit", minimum=1, maximum=MAX_LIMIT) or 10
        offset = query.integer("offset", minimum=0) or 0
        page = selected[offset : offset + limit]
        return {"m2m_tokens": [self.view(r) for r in page], "total_count": len(selected)}

    def revoke_token(self, caller: str | None, token_id: str, body: Body) -> dict[str, Any]:
        record = self.get(token_id)
        if caller is not None and record.data["subject"] != caller:
            raise self.not_found()
        return self.revoke(record, body)

    def verify_token(self, caller: str | None, body: Body) -> dict[str, Any]:
        body.only(("token",))
        record = self.verify(body.text("token", required=True) or "")
        if caller is not None and caller not in record.data["scopes"]:
            raise APIError(
                404,
                "resource_not_found",
                "not found",
                f"This M2M token is not granted to {caller}: its machine has no scope for it.",
            )
        return self.view(record)

    def usable(self, record: TokenRecord) -> bool:
        return record.data["subject"] in self.machines.machines

    # -- helpers -------------------------------------------------------------------------------

    def _caller(self, caller: str | None) -> MachineRecord:
        if caller is None:
            raise bad_request(
                "machine_secret_key_required",
                "a machine secret key is required",
                "Creating an M2M token needs the machine's secret key as the bearer token, "
                "not the instance secret key.",
            )
        return self.machines.get(caller)

    def _reusable(
        self, machine_id: str, claims: Any, scopes: list[str], min_ttl: int
    ) -> TokenRecord | None:
        horizon = self.clock.now_ms() + min_ttl * 1000
        for record in sorted(self.records.values(), key=lambda r: r.seq, reverse=True):
            data = record.data
            if (
                data["subject"] == machine_id
                and data["claims"] == claims
                and data["scopes"] == scopes
                and self.live(record)
                and (data["expiration"] is None or data["expiration"] >= horizon)
            ):
                return record
        return None

    def _jwt(
        self, machine: MachineRecord, lifetime: float, claims: Any, scopes: list[str]
    ) -> dict[str, Any]:
        now = int(time.time())  # the verifier checks a JWT with its own (wall) clock
        token_id = new_token_id("mt_")
        payload = {**claims} if isinstance(claims, dict) else {}
        payload.update(
            iss=self.issuer,
            sub=machine.id,
            aud=scopes,
            jti=token_id,
            iat=now,
            nbf=now,
            exp=now + round(lifetime),
        )
        stamp = now * 1000
        return {
            "object": "machine_to_machine_token",
            "id": token_id,
            "subject": machine.id,
            "claims": claims,
            "scopes": scopes,
            "token": self.key.sign(payload, CATEGORY_M2M),
            "revoked": False,
            "revocation_reason": None,
            "expired": False,
            "expiration": (now + round(lifetime)) * 1000,
            "last_used_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
