"""What kind of token a string is, and whether ``accepts_token`` lets it through.

Opaque machine tokens are told by prefix (``ak_``, ``mt_``, ``m2m_``, ``oat_``). A JWT is a machine
token when its header says ``typ: at+jwt`` (OAuth) or its category ``cat`` is Clerk's M2M one, or
its ``sub`` starts with ``mch_`` (M2M), as in Clerk's JS backend; a JWT whose ``cat`` names another
class (a JWT template) is not a session token either.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from functools import lru_cache
from typing import Any

__all__ = [
    "CATEGORY_IGNORE",
    "CATEGORY_JWT_TEMPLATE",
    "CATEGORY_M2M",
    "CATEGORY_SESSION",
    "SESSION_JWT",
    "SESSION_TOKEN",
    "JwtKind",
    "TokenType",
    "accepted_families",
    "family",
    "jwt_kind",
    "opaque_type",
]

CATEGORY_SESSION = "cl_B7d4PD111AAA"
CATEGORY_JWT_TEMPLATE = "cl_B7d4PD222AAA"
CATEGORY_M2M = "cl_B7d4PD333AAA"
#: Stamped on every class by instances that opted out of categories: says nothing.
CATEGORY_IGNORE = "cl_I7d4PD111III"
_OAUTH_TYPES = ("at+jwt", "application/at+jwt")


class TokenType(Enum):
    """The token types of Clerk's Python SDK (``m2m_`` tokens are its ``machine_token``)."""

    SESSION_TOKEN = "session_token"
    API_KEY = "api_key"
    MACHINE_TOKEN = "machine_token"
    MACHINE_TOKEN_V2 = "m2m_token"
    OAUTH_TOKEN = "oauth_token"


class JwtKind(Enum):
    SESSION = "session"
    M2M = "m2m"
    OAUTH = "oauth"
    TEMPLATE = "template"  # another category: a JWT-template token, signed by the same key
    FOREIGN = "foreign"  # a ``typ`` that is neither ``JWT`` nor OAuth's


#: The members the request path compares with, as module globals: in Python 3.11 looking an Enum
#: member up on its class costs some 60 ns, a dozen times a request.
SESSION_TOKEN = TokenType.SESSION_TOKEN
SESSION_JWT = JwtKind.SESSION

_PREFIXES = (
    ("ak_", TokenType.API_KEY),
    ("mt_", TokenType.MACHINE_TOKEN_V2),
    ("m2m_", TokenType.MACHINE_TOKEN),
    ("oat_", TokenType.OAUTH_TOKEN),
)
_PREFIX_STRINGS = tuple(prefix for prefix, _ in _PREFIXES)


def opaque_type(token: str) -> TokenType | None:
    """The machine token type a prefix announces, or ``None`` (then it should be a JWT)."""
    if not token.startswith(_PREFIX_STRINGS):  # a JWT, the common case: one C call
        return None
    for prefix, token_type in _PREFIXES:
        if token.startswith(prefix):
            return token_type
    return None


def jwt_kind(header: dict[str, Any], claims: dict[str, Any]) -> JwtKind:
    typ = header.get("typ")
    if typ in _OAUTH_TYPES:
        return JwtKind.OAUTH
    category = header.get("cat")
    sub = claims.get("sub")
    if category == CATEGORY_M2M or (type(sub) is str and sub.startswith("mch_")):
        return JwtKind.M2M
    if typ not in (None, "JWT"):
        return JwtKind.FOREIGN
    if category not in (None, CATEGORY_SESSION, CATEGORY_IGNORE):
        return JwtKind.TEMPLATE
    return SESSION_JWT


_JWT_FAMILY = {
    JwtKind.SESSION: "session_token",
    JwtKind.TEMPLATE: "session_token",
    JwtKind.FOREIGN: "session_token",
    JwtKind.M2M: "m2m_token",
    JwtKind.OAUTH: "oauth_token",
}
_TYPE_FAMILY = {
    TokenType.SESSION_TOKEN: "session_token",
    TokenType.API_KEY: "api_key",
    TokenType.MACHINE_TOKEN: "m2m_token",
    TokenType.MACHINE_TOKEN_V2: "m2m_token",
    TokenType.OAUTH_TOKEN: "oauth_token",
}


def family(token_type: TokenType | JwtKind) -> str:
    """The ``accepts_token`` name that covers ``token_type``."""
    if token_type is SESSION_TOKEN or token_type is SESSION_JWT:
        return "session_token"  # the common case, without hashing an Enum (a Python call)
    if isinstance(token_type, JwtKind):
        return _JWT_FAMILY[token_type]
    return _TYPE_FAMILY[token_type]


@lru_cache(maxsize=64)
def _families(names: tuple[str, ...]) -> frozenset[str]:
    normalized = {"m2m_token" if name == "machine_token" else name for name in names}
    if "any" in normalized:  # "any" stays in the set: it also changes the JWT-template rule
        return frozenset({"session_token", "api_key", "m2m_token", "oauth_token", "any"})
    return frozenset(normalized)


def accepted_families(accepts_token: str | Sequence[str]) -> frozenset[str]:
    names = (accepts_token,) if isinstance(accepts_token, str) else tuple(accepts_token)
    return _families(names)
