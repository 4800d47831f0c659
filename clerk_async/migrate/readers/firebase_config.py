"""The Firebase project's password hash parameters (Console: Authentication, Users, the menu's
"Password hash parameters"), which every ``scrypt_firebase`` digest must carry.

Accepted as JSON with the console's names (``base64_signer_key``, ``base64_salt_separator``,
``rounds``, ``mem_cost``; camelCase too, at the top level or under ``hash_config``) or as the
console's own text, ``hash_config { algorithm: SCRYPT, base64_signer_key: ..., ... }``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from typing import Any

import msgspec

from clerk_async.migrate.readers._raw import decode_json
from clerk_async.migrate.records import HashConfigError

__all__ = ["FirebaseHashConfig", "load_hash_config", "parse_hash_config"]

_NAMES = {
    "signer_key": ("base64_signer_key", "signerKey", "signer_key"),
    "salt_separator": ("base64_salt_separator", "saltSeparator", "salt_separator"),
    "rounds": ("rounds",),
    "mem_cost": ("mem_cost", "memCost", "memoryCost"),
}
_TEXT_ENTRY = re.compile(r"([A-Za-z_]\w*)\s*:\s*([^,\s}]+)")


@dataclass(frozen=True, slots=True)
class FirebaseHashConfig:
    signer_key: str = field(repr=False)  # base64, a project secret
    salt_separator: str
    rounds: int
    mem_cost: int

    def digest(self, password_hash: str, salt: str) -> str:
        """Clerk's ``scrypt_firebase`` digest for one exported user."""
        parts = (password_hash, salt, self.signer_key, self.salt_separator)
        return "$".join((*parts, str(self.rounds), str(self.mem_cost)))


def load_hash_config(path: str | os.PathLike[str]) -> FirebaseHashConfig:
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig") as file:
            content = file.read(1 << 20)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise HashConfigError(f"{name}: cannot read the Firebase hash config ({reason}).") from None
    return parse_hash_config(content, origin=name)


def parse_hash_config(content: str, *, origin: str = "hash config") -> FirebaseHashConfig:
    stripped = content.strip()
    values: dict[str, Any]
    if stripped.startswith("{"):
        try:
            decoded = decode_json(stripped)
        except msgspec.DecodeError:
            raise HashConfigError(f"{origin}: not valid JSON.") from None
        if not isinstance(decoded, dict):
            raise HashConfigError(f"{origin}: expected a JSON object.")
        nested = decoded.get("hash_config", decoded.get("hashConfig"))
        values = nested if isinstance(nested, dict) else decoded
    else:
        values = dict(_TEXT_ENTRY.findall(stripped))
    algorithm = values.get("algorithm")
    if algorithm is not None and str(algorithm).upper() != "SCRYPT":
        raise HashConfigError(f"{origin}: algorithm is {algorithm!r}; Firebase's is SCRYPT.")
    found = {key: _pick(values, names, origin) for key, names in _NAMES.items()}
    signer_key = _base64(found["signer_key"], "base64_signer_key", origin, allow_empty=False)
    separator = _base64(found["salt_separator"], "base64_salt_separator", origin, allow_empty=True)
    rounds = _integer(found["rounds"], "rounds", 1, 8, origin)
    mem_cost = _integer(found["mem_cost"], "mem_cost", 1, 14, origin)
    return FirebaseHashConfig(signer_key, separator, rounds, mem_cost)


def _pick(values: dict[str, Any], names: tuple[str, ...], origin: str) -> object:
    for name in names:
        if name in values:
            return values[name]
    raise HashConfigError(f"{origin}: {names[0]} is missing.")


def _base64(value: object, name: str, origin: str, *, allow_empty: bool) -> str:
    text = str(value).strip().strip("\"'") if value is not None else ""
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise HashConfigError(f"{origin}: {name} is not base64.") from None
    if not decoded and not allow_empty:
        raise HashConfigError(f"{origin}: {name} is empty.")
    return text


def _integer(value: object, name: str, low: int, high: int, origin: str) -> int:
    text = str(value).strip().strip("\"'")
    if not text.isdigit() or not low <= int(text) <= high:
        raise HashConfigError(f"{origin}: {name} must be a whole number from {low} to {high}.")
    return int(text)
