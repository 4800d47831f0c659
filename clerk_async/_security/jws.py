"""A fixed RS256 profile of compact JWS (RFC 7515), on ``cryptography``.

Only what Clerk signs is accepted: three base64url parts in canonical form (no padding, no ``+/``,
no stray characters, zero trailing bits), at most :data:`MAX_TOKEN_LENGTH` characters, a JSON
object header with ``alg: RS256`` and no ``crit``, a JSON object payload. The checks before the
signature only look at structure; claims are judged after it (``claims.py``). Written by hand
because no maintained JOSE library verifies a token within 1.3x of the RSA check itself (PyJWT
with a key object costs 2.6x, joserfc 1.6x, measured here); PyJWT is the oracle of the tests.
"""

from __future__ import annotations

import binascii
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import msgspec

from .reasons import TokenVerificationError, TokenVerificationErrorReason

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["MAX_TOKEN_LENGTH", "DecodedJws", "b64url_decode", "decode_compact", "signature_valid"]

#: Tokens longer than this are rejected before any decoding (Clerk's are about 1 KiB).
MAX_TOKEN_LENGTH = 16 * 1024
#: Headers up to this long are kept once decoded (Clerk's are about 110 characters).
_KNOWN_HEADER_LENGTH = 256

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#: Each base64url character to its standard twin, every other byte to ``!``: one translate both
#: converts and validates (bytes.translate and a search for ``!`` cost a third of a regex match).
_TO_STANDARD = bytes(
    ord(_STANDARD[_ALPHABET.index(chr(byte))]) if chr(byte) in _ALPHABET else ord("!")
    for byte in range(256)
)
_PADDING = (b"", None, b"==", b"=")  # by length % 4; None: a length no encoding produces
_SEXTET = {char: index for index, char in enumerate(_ALPHABET)}
#: The bits of the last character that carry no data, by length % 4: they must be zero.
_UNUSED_BITS = (0, 0, 0x0F, 0x03)
_decode_json = msgspec.json.decode
_INVALID = TokenVerificationErrorReason.TOKEN_INVALID


class DecodedJws:
    """The parts of a structurally valid token. Nothing in it is trusted before the signature."""

    __slots__ = ("claims", "header", "signature", "signing_input")

    def __init__(
        self, header: dict[str, Any], claims: dict[str, Any], signing_input: bytes, signature: bytes
    ) -> None:
        self.header = header
        self.claims = claims
        self.signing_input = signing_input
        self.signature = signature


def b64url_decode(part: str) -> bytes | None:
    """The bytes of a canonical unpadded base64url string, or ``None`` for any other string."""
    if not part.isascii():
        return None
    remainder = len(part) % 4
    padding = _PADDING[remainder]
    if padding is None:
        return None
    standard = part.encode("ascii").translate(_TO_STANDARD)
    if b"!" in standard:
        return None
    if remainder and _SEXTET[part[-1]] & _UNUSED_BITS[remainder]:
        return None
    return binascii.a2b_base64(standard + padding)


def decode_compact(token: object) -> DecodedJws:
    """Split and decode ``token``; raise ``token-invalid`` for anything but the RS256 profile."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise TokenVerificationError(_INVALID)
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenVerificationError(_INVALID)
    header_part, claims_part, signature_part = parts
    if len(header_part) <= _KNOWN_HEADER_LENGTH:
        header = _known_header(header_part)
    else:
        header = _header(header_part)
    claims = _json_object(claims_part)
    signature = b64url_decode(signature_part)
    if not signature:
        raise TokenVerificationError(_INVALID)
    signing_input = token[: len(header_part) + 1 + len(claims_part)].encode("ascii")
    return DecodedJws(header, claims, signing_input, signature)


def _header(part: str) -> dict[str, Any]:
    header = _json_object(part)
    if header.get("alg") != "RS256" or "crit" in header:
        raise TokenVerificationError(_INVALID)
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise TokenVerificationError(_INVALID)
    return header


#: An instance signs every token with the same header (alg, kid, typ, cat): a short one is
#: decoded and checked once. The dict is shared, so nothing may change it (nothing does).
_known_header = lru_cache(maxsize=64)(_header)


def _json_object(part: str) -> dict[str, Any]:
    raw = b64url_decode(part)
    if raw is None:
        raise TokenVerificationError(_INVALID)
    try:
        value = _decode_json(raw)
    except (msgspec.DecodeError, RecursionError):  # deep nesting fits under the size cap
        raise TokenVerificationError(_INVALID) from None
    if type(value) is not dict:
        raise TokenVerificationError(_INVALID)
    return value


class _Primitives:
    """The RS256 pieces of ``cryptography``, imported on first use, not at import."""

    __slots__ = ("invalid_signature", "padding", "sha256")

    def __init__(self) -> None:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.hashes import SHA256

        self.invalid_signature = InvalidSignature
        self.padding = PKCS1v15()
        self.sha256 = SHA256()


_primitives: _Primitives | None = None


def signature_valid(key: RSAPublicKey, decoded: DecodedJws) -> bool:
    """True when ``decoded`` carries an RS256 (PKCS#1 v1.5, SHA-256) signature by ``key``."""
    global _primitives  # noqa: PLW0603 (a lazily built module constant)
    primitives = _primitives
    if primitives is None:
        primitives = _primitives = _Primitives()
    try:
        key.verify(decoded.signature, decoded.signing_input, primitives.padding, primitives.sha256)
    except primitives.invalid_signature:
        return False
    return True
