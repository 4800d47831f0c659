"""Keys and tokens for the verification tests: Clerk-shaped v2 session tokens, signed here.

Tokens are signed with PyJWT (an implementation independent of ours), keys generated once per
test session (RSA generation is slow).
"""

from __future__ import annotations

import base64
import functools
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from clerk_async._security.jwks_cache import JwksCache
from clerk_async._security.token_types import CATEGORY_M2M, CATEGORY_SESSION

__all__ = [
    "AZP",
    "CATEGORY_M2M",
    "CATEGORY_SESSION",
    "KID",
    "FakeClock",
    "JwksCache",
    "b64url",
    "ec_key",
    "jwk_of",
    "jwks_of",
    "pem_of",
    "rsa_key",
    "session_claims",
    "sign",
    "unsigned",
]

KID = "ins_2test0000000000000000000001"
AZP = "https://app.example.com"


@functools.cache
def rsa_key(name: str = "main", bits: int = 2048) -> rsa.RSAPrivateKey:
    """A private key per ``name``, made once."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@functools.cache
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def pem_of(key: rsa.RSAPrivateKey, pkcs1: bool = False) -> str:
    formats = serialization.PublicFormat
    fmt = formats.PKCS1 if pkcs1 else formats.SubjectPublicKeyInfo
    return key.public_key().public_bytes(serialization.Encoding.PEM, fmt).decode("ascii")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def jwk_of(key: rsa.RSAPrivateKey, kid: str = KID) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    return {
        "use": "sig",
        "kty": "RSA",
        "kid": kid,
        "alg": "RS256",
        "n": _int_b64(numbers.n),
        "e": _int_b64(numbers.e),
    }


def jwks_of(*pairs: tuple[rsa.RSAPrivateKey, str]) -> dict[str, Any]:
    return {"keys": [jwk_of(key, kid) for key, kid in pairs]}


def session_claims(now: float | None = None, **changes: Any) -> dict[str, Any]:
    """The claims of a v2 session token as Clerk issues them; ``changes`` of ``None`` drop one."""
    now = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "azp": AZP,
        "exp": now + 60,
        "fva": [0, -1],
        "iat": now,
        "iss": "https://clean-mayfly-62.clerk.accounts.dev",
        "jti": "4b3c5a1a2b3c4d5e6f70",
        "nbf": now - 10,
        "o": {"id": "org_2abc", "rol": "admin", "slg": "acme", "per": "read,manage", "fpm": "3"},
        "fea": "o:articles",
        "role": "authenticated",
        "sid": "sess_2abc",
        "sts": "active",
        "sub": "user_2abc",
        "v": 2,
    }
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def sign(
    claims: dict[str, Any] | None = None,
    *,
    key: rsa.RSAPrivateKey | None = None,
    kid: str | None = KID,
    algorithm: str = "RS256",
    **header: Any,
) -> str:
    """A token signed by PyJWT; ``header`` adds fields, or with ``None`` drops one (``typ``)."""
    headers: dict[str, Any] = {"cat": CATEGORY_SESSION}
    if kid is not None:
        headers["kid"] = kid
    headers.update(header)
    if headers.get("cat") is None:
        headers.pop("cat")
    return jwt.encode(
        session_claims() if claims is None else claims,
        key or rsa_key(),
        algorithm=algorithm,
        headers=headers,
    )


def unsigned(head: str, body: str, key: rsa.RSAPrivateKey) -> str:
    """``head.body`` signed with RS256 by ``key`` (for headers PyJWT will not write)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64url(signature)}"


class FakeClock:
    """A monotonic clock the tests move by hand (for the JWKS cache's TTL and cooldown)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
