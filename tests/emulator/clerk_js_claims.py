"""How Clerk JS reads a v2 session token's organization claims, written out independently of the
emulator (the rules of ``@clerk/shared``'s ``jwtPayloadParser`` and ``splitByScope``):

- ``fea`` items are ``scope:name``; scope ``o`` is the organization's, ``u`` the user's,
  ``ou``/``uo`` both; an item without a colon makes the token unreadable.
- ``o.per`` lists permission actions and ``o.fpm`` one decimal mask per organization feature of
  ``fea``, in order: bit ``i`` (least significant first) grants ``org:<feature>:<per[i]>``. A mask
  that is not ASCII digits grants nothing; masks past the features, and bits past ``per``, are
  ignored.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["org_permissions", "split_by_scope"]

_DIGITS = re.compile(r"[0-9]+")


def split_by_scope(fea: str | None) -> tuple[list[str], list[str]]:
    org: list[str] = []
    user: list[str] = []
    for raw in (fea or "").split(",") if fea else []:
        item = raw.strip()
        scope, colon, name = item.partition(":")
        if not colon:
            raise ValueError(f"a fea item without a scope: {item!r}")
        if scope in ("o", "ou", "uo"):
            org.append(name)
        if scope in ("u", "ou", "uo"):
            user.append(name)
    return org, user


def _bits(mask: str, minimum: int) -> list[int]:
    if not _DIGITS.fullmatch(mask):
        return []
    value = int(mask)
    bits = []
    while value:
        bits.append(value & 1)
        value >>= 1
    return bits + [0] * (minimum - len(bits))


def org_permissions(claims: dict[str, Any]) -> list[str]:
    """The ``orgPermissions`` Clerk JS derives from a v2 token (empty without ``o``)."""
    org = claims.get("o")
    if claims.get("v") != 2 or not org:
        return []
    features, _ = split_by_scope(claims.get("fea"))
    per, fpm = org.get("per"), org.get("fpm")
    if not per or not fpm:
        return []
    actions = [p.strip() for p in per.split(",")]
    masks = [_bits(m.strip(), len(actions)) for m in fpm.split(",")]
    granted = []
    for feature, bits in zip(features, masks, strict=False):
        granted += [
            f"org:{feature}:{action}" for bit, action in zip(bits, actions, strict=False) if bit
        ]
    return granted
