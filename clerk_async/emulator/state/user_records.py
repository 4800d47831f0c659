"""A user record, and the pure parts of listing users: the ``order_by`` fields and the filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from clerk_async.emulator.params import Query

if TYPE_CHECKING:
    from clerk_async.emulator.passwords import Password

__all__ = ["ORDER_FIELDS", "UserRecord", "filters"]


class UserRecord:
    __slots__ = ("data", "password", "seq")

    def __init__(self, data: dict[str, Any], seq: int) -> None:
        self.data = data
        self.seq = seq
        self.password: Password | None = None

    @property
    def id(self) -> str:
        return str(self.data["id"])


def _primary_value(data: dict[str, Any], field: str, kind: str, attr: str) -> str | None:
    primary = data[field]
    for item in data[kind]:
        if item["id"] == primary:
            return str(item[attr])
    return None


ORDER_FIELDS: dict[str, Callable[[UserRecord], Any]] = {
    "created_at": lambda u: u.data["created_at"],
    "updated_at": lambda u: u.data["updated_at"],
    "email_address": lambda u: _primary_value(
        u.data, "primary_email_address_id", "email_addresses", "email_address"
    ),
    "phone_number": lambda u: _primary_value(
        u.data, "primary_phone_number_id", "phone_numbers", "phone_number"
    ),
    "web3wallet": lambda u: _primary_value(
        u.data, "primary_web3_wallet_id", "web3_wallets", "web3_wallet"
    ),
    "first_name": lambda u: u.data["first_name"],
    "last_name": lambda u: u.data["last_name"],
    "username": lambda u: u.data["username"],
    "last_active_at": lambda u: u.data["last_active_at"],
    "last_sign_in_at": lambda u: u.data["last_sign_in_at"],
}


def _contains(needle: str, *haystack: Any) -> bool:
    return any(isinstance(value, str) and needle in value.lower() for value in haystack)


def _values(data: dict[str, Any], field: str, attr: str) -> list[str]:
    return [item[attr] for item in data[field]]


Check = Callable[[dict[str, Any]], bool]
Fields = Callable[[dict[str, Any]], list[Any]]


def _search(d: dict[str, Any]) -> list[Any]:
    return [
        d["id"],
        d["username"],
        d["first_name"],
        d["last_name"],
        *_values(d, "email_addresses", "email_address"),
        *_values(d, "phone_numbers", "phone_number"),
        *_values(d, "web3_wallets", "web3_wallet"),
    ]


_PARTIAL: tuple[tuple[str, Fields], ...] = (
    ("query", _search),
    ("email_address_query", lambda d: _values(d, "email_addresses", "email_address")),
    ("phone_number_query", lambda d: _values(d, "phone_numbers", "phone_number")),
    ("username_query", lambda d: [d["username"]]),
    ("name_query", lambda d: [d["first_name"], d["last_name"], _full_name(d)]),
)
_RANGES: tuple[tuple[str, str, str], ...] = (
    ("created_at_before", "created_at", "<"),
    ("created_at_after", "created_at", ">"),
    ("last_active_at_before", "last_active_at", "<"),
    ("last_active_at_after", "last_active_at", ">"),
    ("last_active_at_since", "last_active_at", ">="),
    ("last_sign_in_at_before", "last_sign_in_at", "<"),
    ("last_sign_in_at_after", "last_sign_in_at", ">"),
)


def _partial_check(needle: str, fields: Fields) -> Check:
    return lambda d: _contains(needle, *fields(d))


def _range_check(field: str, op: str, bound: int) -> Check:
    def check(d: dict[str, Any]) -> bool:
        value = d[field]
        if value is None:
            return False
        if op == "<":
            return bool(value < bound)
        if op == ">":
            return bool(value > bound)
        return bool(value >= bound)

    return check


def filters(query: Query) -> list[Check]:
    """Predicates for the list/count filters that look at one user's wire object."""
    checks: list[Check] = []
    for name, fields in _PARTIAL:
        value = query.text(name)
        if value:
            checks.append(_partial_check(value.lower(), fields))
    banned = query.flag("banned")
    if banned is not None:
        checks.append(lambda d: d["banned"] is banned)
    for name, field, op in _RANGES:
        bound = query.integer(name)
        if bound is not None:
            checks.append(_range_check(field, op, bound))
    return checks


def _full_name(data: dict[str, Any]) -> str:
    return " ".join(part for part in (data["first_name"], data["last_name"]) if part)
