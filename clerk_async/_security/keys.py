"""RSA public keys from a pasted PEM (``jwt_key``) or a JWKS entry, each parsed once.

A PEM is accepted in every form people paste: LF or CRLF line ends, one line, lines joined by
spaces, indented, quoted, with literal ``\\n`` escapes (``.env`` files), PKCS#1
(``RSA PUBLIC KEY``) or SPKI, body only, 2048 to 8192 bits. Anything else is
``jwk-failed-to-resolve``, never a raw ``ValueError``.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .reasons import TokenVerificationError, TokenVerificationErrorReason

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["MIN_RSA_BITS", "load_jwt_key", "rsa_key_from_jwk"]

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_STANDARD_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_UNRESOLVED = TokenVerificationErrorReason.JWK_FAILED_TO_RESOLVE


def load_jwt_key(pem: str) -> RSAPublicKey:
    """The key of ``pem``, parsed on first use and then served from a cache."""
    found = _parse_pem(pem)
    if isinstance(found, TokenVerificationErrorReason):
        raise TokenVerificationError(found)
    return found


@lru_cache(maxsize=64)  # a public key, parsed once: what it yields, or why it yields nothing
def _parse_pem(text: str) -> RSAPublicKey | TokenVerificationErrorReason:
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    text = text.strip().strip("\"'").replace("\\r", "").replace("\\n", "\n")
    block = _PEM_BLOCK.search(text)
    label, body = (block.group(1), block.group(2)) if block else ("PUBLIC KEY", text)
    if label not in ("PUBLIC KEY", "RSA PUBLIC KEY"):
        return _UNRESOLVED  # a private key, a certificate, ...: not what jwt_key takes
    body = "".join(body.split())
    if not _STANDARD_B64.fullmatch(body):
        return _UNRESOLVED
    try:
        key = load_der_public_key(base64.b64decode(body, validate=True))  # SPKI or PKCS#1
    except (ValueError, TypeError, binascii.Error):
        return _UNRESOLVED
    return _checked_rsa(key)


def rsa_key_from_jwk(jwk: Any) -> RSAPublicKey | TokenVerificationErrorReason:
    """The RS256 verification key of one JWKS entry, or why it cannot be one."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

    if getattr(jwk, "kty", None) != "RSA" or getattr(jwk, "alg", "RS256") not in ("RS256", None):
        return _UNRESOLVED
    if getattr(jwk, "use", None) not in ("sig", None):
        return _UNRESOLVED
    modulus, exponent = _jwk_int(getattr(jwk, "n", None)), _jwk_int(getattr(jwk, "e", None))
    if modulus is None or exponent is None or exponent < 3 or exponent % 2 == 0:
        return _UNRESOLVED
    try:
        key = RSAPublicNumbers(exponent, modulus).public_key()
    except (ValueError, TypeError):
        return _UNRESOLVED
    return _checked_rsa(key)


def _jwk_int(value: object) -> int | None:
    if not isinstance(value, str) or not value or len(value) > 2048:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return None
    return int.from_bytes(raw, "big") or None


def _checked_rsa(key: object) -> RSAPublicKey | TokenVerificationErrorReason:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    if not isinstance(key, RSAPublicKey) or not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
        return _UNRESOLVED
    return key
