"""Signing keys, the JWKS, and compact JWS encoding (RS256 with the instance key, HS* for
custom JWT-template keys). ``cryptography`` comes with the ``emulator`` extra.

The RSA key is generated on first use, so an emulator that never issues a token never pays for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["SigningKey", "b64url", "sign_jwt"]

_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_RSA = ("RS256", "RS384", "RS512")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


class SigningKey:
    """The instance's RSA key pair, with its key id."""

    def __init__(self, kid: str, private_key: RSAPrivateKey | None = None) -> None:
        self.kid = kid
        self._key = private_key
        self._lock = threading.Lock()

    @property
    def private_key(self) -> RSAPrivateKey:
        with self._lock:
            if self._key is None:
                from cryptography.hazmat.primitives.asymmetric import rsa

                self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._key

    def jwk(self) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()
        return {
            "use": "sig",
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "n": b64url(_int_bytes(numbers.n)),
            "e": b64url(_int_bytes(numbers.e)),
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk()]}

    def public_key_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem.decode("ascii")

    def sign(self, claims: dict[str, Any], category: str | None = None) -> str:
        """RS256 with the instance key; ``category`` is Clerk's ``cat`` header (token class)."""
        return sign_jwt(claims, "RS256", self.private_key, kid=self.kid, category=category)


def sign_jwt(
    claims: dict[str, Any],
    algorithm: str,
    key: RSAPrivateKey | bytes | str,
    kid: str | None = None,
    category: str | None = None,
) -> str:
    """A compact JWS of ``claims``. ``key`` is an RSA key (or its PEM) for RS*, a secret for HS*."""
    header: dict[str, Any] = {"alg": algorithm}
    if category is not None:
        header["cat"] = category
    if kid is not None:
        header["kid"] = kid
    header["typ"] = "JWT"
    signing_input = (
        b64url(msgspec.json.encode(header)) + "." + b64url(msgspec.json.encode(claims))
    ).encode("ascii")
    if algorithm in _HMAC:
        secret = key.encode() if isinstance(key, str) else key
        if not isinstance(secret, bytes):
            raise TypeError("an HS* algorithm needs a secret")
        signature = hmac.new(secret, signing_input, _HMAC[algorithm]).digest()
    elif algorithm in _RSA:
        signature = _rsa_sign(signing_input, algorithm, key)
    else:
        raise ValueError(f"unsupported signing algorithm {algorithm!r}")
    return signing_input.decode("ascii") + "." + b64url(signature)


def _rsa_sign(data: bytes, algorithm: str, key: RSAPrivateKey | bytes | str) -> bytes:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if isinstance(key, (bytes, str)):
        pem = key.encode() if isinstance(key, str) else key
        loaded = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise ValueError("the signing key is not an RSA private key")
        key = loaded
    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}
    return key.sign(data, padding.PKCS1v15(), digest[algorithm])


def supported_algorithm(algorithm: str) -> bool:
    return algorithm in _HMAC or algorithm in _RSA
