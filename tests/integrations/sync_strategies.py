"""What the property tests send: any header value, and tokens that are nearly right (signed by the
instance's key with odd claims, machine-token prefixes with junk), in the Authorization header and
in the session cookie. A server may refuse a header value HTTP does not allow (400); an adapter
answers 200, 401, 403 or 404, and never 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

__all__ = ["HEADER_TEXT", "OPAQUE", "SIGNED_CLAIMS", "allowed_statuses", "header_sets"]

HEADER_TEXT = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=60)
_VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
    | st.lists(st.integers(-5, 99) | st.text(max_size=3), max_size=3)
)
_ORG = st.dictionaries(st.sampled_from(["id", "rol", "slg", "per", "fpm"]), _VALUES, max_size=5)
#: Changes of a v2 session token's claims: any value where Clerk puts one, odd ones included.
SIGNED_CLAIMS = st.dictionaries(
    st.sampled_from(
        ["v", "o", "fea", "pla", "fva", "sts", "sub", "sid", "exp", "nbf", "iat", "act", "org_id"]
    ),
    _VALUES | _ORG,
    max_size=5,
)
OPAQUE = st.tuples(
    st.sampled_from(["ak_", "mt_", "m2m_", "oat_"]),
    st.text(st.characters(codec="ascii", categories=["L", "N"]), max_size=24),
).map("".join)


def header_sets(
    authorization: str, cookie: str, claims: dict[str, Any], opaque: str, sign: Callable[..., str]
) -> list[dict[str, str]]:
    """The headers to send, with a token ``sign`` makes of the ``SIGNED_CLAIMS`` changes
    (``tokens.hand_signed``: hostile values, which no Clerk issues)."""
    token = sign(**claims)
    return [
        {"Authorization": authorization, "Cookie": cookie},
        {"Authorization": f"Bearer {token}"},
        {"Cookie": f"__session={token}; __client_uat={cookie}"},
        {"Authorization": f"Bearer {opaque}"},
    ]


def _field_value(value: str) -> bool:
    """A value HTTP allows in a header field (RFC 9110: visible characters, spaces, tabs)."""
    return all(c == "\t" or " " <= c <= "~" or c >= "\x80" for c in value)


def allowed_statuses(headers: dict[str, str]) -> set[int]:
    allowed = {200, 401, 403, 404}
    if not all(_field_value(value) for value in headers.values()):
        allowed.add(400)  # the server's own refusal, before any adapter runs
    return allowed
