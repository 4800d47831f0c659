"""Email addresses, phone numbers and web3 wallets: their wire objects and the uniqueness index.

An identifier belongs to one user; its value is unique across the instance (emails and wallets
compared case-insensitively), which is what makes a second user with a taken email fail with
422 ``form_identifier_exists``.
"""

from __future__ import annotations

from typing import Any, Literal

from clerk_async._identifiers import EMAIL, PHONE, WEB3_WALLET
from clerk_async.emulator.errors import identifier_exists, param_invalid

from .common import new_id, now_ms

__all__ = ["Identifiers", "Kind", "normalize"]

Kind = Literal["email_address", "phone_number", "web3_wallet"]

_PATTERNS = {"email_address": EMAIL, "phone_number": PHONE, "web3_wallet": WEB3_WALLET}
_LABELS = {
    "email_address": "email address",
    "phone_number": "phone number",
    "web3_wallet": "web3 wallet",
}


def normalize(kind: Kind, value: str, param: str | None = None) -> str:
    """The comparable form of ``value``; a malformed one answers 422 naming ``param``."""
    text = value.strip()
    if not _PATTERNS[kind].match(text):
        raise param_invalid(param or kind, f"{text!r} is not a valid {_LABELS[kind]}.")
    return text if kind == "phone_number" else text.lower()


def admin_verification() -> dict[str, Any]:
    return {
        "object": "verification_admin",
        "status": "verified",
        "strategy": "admin",
        "attempts": None,
        "expire_at": None,
    }


class Identifier:
    __slots__ = ("data", "key", "kind", "user_id")

    def __init__(self, kind: Kind, key: str, user_id: str, data: dict[str, Any]) -> None:
        self.kind = kind
        self.key = key
        self.user_id = user_id
        self.data = data


class Identifiers:
    """Every identifier by id, and by ``(kind, normalized value)`` for uniqueness."""

    def __init__(self) -> None:
        self.by_id: dict[str, Identifier] = {}
        self._index: dict[tuple[Kind, str], str] = {}

    def owner(self, kind: Kind, value: str) -> str | None:
        """The user holding ``value`` (already normalized), if any."""
        ident_id = self._index.get((kind, value))
        return None if ident_id is None else self.by_id[ident_id].user_id

    def check_free(self, kind: Kind, values: list[str], param: str) -> list[str]:
        """Normalize ``values``; any already taken (or repeated) answers 422."""
        keys: list[str] = []
        for value in values:
            key = normalize(kind, value, param)
            if (kind, key) in self._index or key in keys:
                raise identifier_exists(param, _LABELS[kind])
            keys.append(key)
        return keys

    def add(
        self, kind: Kind, user_id: str, value: str, *, verified: bool, reserved: bool = False
    ) -> dict[str, Any]:
        key = normalize(kind, value)
        now = now_ms()
        ident_id = new_id("idn_")
        data: dict[str, Any] = {"id": ident_id, "object": kind, kind: value.strip()}
        verification = admin_verification() if verified else None
        if kind == "email_address":
            data.update(reserved=reserved, verification=verification, linked_to=[])
            data["matches_sso_connection"] = False
        elif kind == "phone_number":
            data.update(
                reserved_for_second_factor=False,
                default_second_factor=False,
                reserved=reserved,
                verification=verification,
                linked_to=[],
                backup_codes=None,
            )
        else:
            data["verification"] = verification
        data["created_at"] = now
        data["updated_at"] = now
        self.by_id[ident_id] = Identifier(kind, key, user_id, data)
        self._index[(kind, key)] = ident_id
        return data

    def get(self, kind: Kind, ident_id: str) -> Identifier | None:
        ident = self.by_id.get(ident_id)
        return ident if ident is not None and ident.kind == kind else None

    def remove(self, ident_id: str) -> Identifier | None:
        ident = self.by_id.pop(ident_id, None)
        if ident is not None:
            self._index.pop((ident.kind, ident.key), None)
        return ident

    def verify(self, ident: Identifier, verified: bool) -> None:
        ident.data["verification"] = admin_verification() if verified else None
        ident.data["updated_at"] = now_ms()
