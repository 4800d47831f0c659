"""API keys: long-lived secrets a user, an organization or a machine hands to a third party."""

from __future__ import annotations

import re
from typing import Any

from clerk_async.emulator.clock import Clock
from clerk_async.emulator.errors import APIError, param_invalid, param_value_invalid
from clerk_async.emulator.params import Body, Query

from .machines import MachineStore
from .orgs import OrgStore
from .token_records import TokenRecord, TokenStore, lifetime_seconds, new_token_id
from .users import UserStore

__all__ = ["APIKeyStore"]

_SUBJECT = re.compile(r"^(user|org|mch|scim)_\w{27}$")
_CREATED_BY = re.compile(r"^user_\w{27}$")
_ID = re.compile(r"^(ak|api_key)_[0-9A-Fa-f]{32}$")
_NAME = re.compile(r"^\S(.*\S)?$")
_CREATE_FIELDS = (
    "type", "name", "description", "subject", "claims", "scopes", "created_by",
    "seconds_until_expiration",
)  # fmt: skip
_UPDATE_FIELDS = ("claims", "scopes", "description", "subject", "seconds_until_expiration")
MAX_LIMIT = 100


class APIKeyStore(TokenStore):
    label = "API key"
    prefix = "ak_"

    def __init__(
        self, clock: Clock, users: UserStore, orgs: OrgStore, machines: MachineStore
    ) -> None:
        super().__init__(clock)
        self.users = users
        self.orgs = orgs
        self.machines = machines

    def create(self, body: Body) -> dict[str, Any]:
        body.only(_CREATE_FIELDS)
        name = body.text("name", required=True) or ""
        if len(name) < 3 or not _NAME.match(name):
            raise param_invalid("name", "name must be 3 or more characters, not blank-edged.")
        kind = body.text("type") or "api_key"
        if not 3 <= len(kind) <= 25:
            raise param_invalid("type", "type must be 3 to 25 characters.")
        subject = self._subject(body, required=True)
        created_by = body.text("created_by")
        if created_by is not None and not _CREATED_BY.match(created_by):
            raise param_invalid("created_by", "created_by must be a user id.")
        seconds = lifetime_seconds(body, "seconds_until_expiration")
        now = self.clock.now_ms()
        data = {
            "object": "api_key",
            "id": new_token_id("ak_"),
            "type": kind,
            "subject": subject,
            "name": name,
            "description": _description(body),
            "claims": body.data.get("claims"),
            "scopes": body.strings("scopes"),
            "revoked": False,
            "revocation_reason": None,
            "expired": False,
            "expiration": self.expiration_ms(seconds, now),
            "created_by": created_by,
            "last_used_at": None,
            "created_at": now,
            "updated_at": now,
        }
        return self.with_secret(self._issue(data), "secret")

    def key(self, key_id: str) -> TokenRecord:
        if not _ID.match(key_id):
            raise APIError(
                400, "bad_request", "Bad Request", "Invalid 'url_parameter.apiKeyID': not an id"
            )
        return self.get(key_id)

    def update(self, key_id: str, body: Body) -> dict[str, Any]:
        record = self.key(key_id)
        body.only(_UPDATE_FIELDS)
        now = self.clock.now_ms()
        changes: dict[str, Any] = {"updated_at": now}
        if body.has("claims"):
            changes["claims"] = body.data["claims"]
        if body.has("scopes"):
            changes["scopes"] = body.strings("scopes")
        if body.has("description"):
            changes["description"] = _description(body)
        if body.has("subject"):
            changes["subject"] = self._subject(body, required=True)
        if body.has("seconds_until_expiration"):
            seconds = lifetime_seconds(body, "seconds_until_expiration")
            changes["expiration"] = self.expiration_ms(seconds, now)
        record.data.update(changes)
        return self.view(record)

    def delete(self, key_id: str) -> dict[str, Any]:
        self._forget(self.key(key_id))
        return {"id": key_id, "object": "api_key", "deleted": True}

    def secret_of(self, key_id: str) -> dict[str, Any]:
        return {"secret": self.key(key_id).secret}

    def listing(self, query: Query) -> dict[str, Any]:
        subject = query.text("subject")
        if not subject:
            raise param_invalid("subject", "subject is required.")
        kind = query.text("type") or "api_key"
        include_invalid = bool(query.flag("include_invalid"))
        text = (query.text("query") or "").lower()
        selected = [
            r
            for r in sorted(self.records.values(), key=lambda r: r.seq, reverse=True)
            if r.data["subject"] == subject
            and r.data["type"] == kind
            and (include_invalid or self.live(r))
            and (not text or text in r.data["name"].lower())
        ]
        limit = query.integer("limit", minimum=1, maximum=MAX_LIMIT) or 10
        offset = query.integer("offset", minimum=0) or 0
        page = selected[offset : offset + limit]
        return {"data": [self.view(r) for r in page], "total_count": len(selected)}

    def usable(self, record: TokenRecord) -> bool:
        return self._exists(str(record.data["subject"]))

    def _exists(self, subject: str) -> bool:
        """Whether the user, org or machine ``subject`` names exists (SCIM ids are not kept)."""
        kind = subject.split("_", 1)[0]
        if kind == "user":
            return self.users.find(subject) is not None
        if kind == "org":
            return subject in self.orgs.orgs
        if kind == "mch":
            return subject in self.machines.machines
        return True

    def _subject(self, body: Body, *, required: bool) -> str:
        subject = body.text("subject", required=required) or ""
        if not _SUBJECT.match(subject):
            raise param_invalid("subject", "subject must be a user, org, mch or scim id.")
        if not self._exists(subject):
            raise param_value_invalid("subject", f"Nothing has the id {subject}.")
        return subject


def _description(body: Body) -> str | None:
    description = body.text("description")
    if description is not None and len(description) > 255:
        raise param_invalid("description", "description must be at most 255 characters.")
    return description
