"""``jwt_key`` in every form people paste, parsed once; JWKS entries that cannot be RS256 keys."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from clerk_async._security import keys
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import ec_key, jwk_of, pem_of, rsa_key, sign, unsigned

from .conftest import Verify

ReasonOf = Callable[..., Reason]
_UNSEEN = itertools.count(1)


def _body_lines(pem: str) -> list[str]:
    return [line for line in pem.strip().splitlines() if not line.startswith("-----")]


def _forms() -> dict[str, str]:
    pem = pem_of(rsa_key())
    head, tail = "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----"
    lines = _body_lines(pem)
    return {
        "LF": pem,
        "CRLF": pem.replace("\n", "\r\n"),
        "one line": head + "".join(lines) + tail,
        "lines joined by spaces": " ".join([head, *lines, tail]),
        "indented": "\n".join("    " + line for line in pem.splitlines()),
        "literal \\n (an .env file)": pem.strip().replace("\n", "\\n"),
        "literal \\r\\n": pem.strip().replace("\n", "\\r\\n"),
        "quoted": f'"{pem.strip()}"',
        "body only": "".join(lines),
        "surrounded by blank lines": f"\n\n{pem}\n\n",
    }


@pytest.mark.parametrize("form", sorted(_forms()))
def test_every_pasted_form_of_the_pem_verifies(form: str, verify: Verify) -> None:
    assert verify(sign(), jwt_key=_forms()[form])["sub"] == "user_2abc"


def test_pkcs1_and_4096_bit_keys(verify: Verify) -> None:
    assert verify(sign(), jwt_key=pem_of(rsa_key(), pkcs1=True))["sub"] == "user_2abc"
    big = rsa_key("big", 4096)
    assert verify(sign(key=big), jwt_key=pem_of(big))["sub"] == "user_2abc"
    assert verify(sign(key=big), jwt_key=pem_of(big).replace("\n", "\\n"))["sub"] == "user_2abc"


@pytest.mark.parametrize(
    "jwt_key",
    [
        "",
        "not a key",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    ],
)
def test_a_key_that_does_not_parse_is_a_typed_reason(jwt_key: str, reason_of: ReasonOf) -> None:
    assert reason_of(sign(), jwt_key=jwt_key) is Reason.JWK_FAILED_TO_RESOLVE


def test_a_private_key_or_an_ec_key_is_not_a_jwt_key(reason_of: ReasonOf) -> None:
    from cryptography.hazmat.primitives import serialization

    private = (
        rsa_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    assert reason_of(sign(), jwt_key=private) is Reason.JWK_FAILED_TO_RESOLVE
    ec_pem = (
        ec_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    assert reason_of(sign(), jwt_key=ec_pem) is Reason.JWK_FAILED_TO_RESOLVE


def test_a_key_below_2048_bits_is_refused(reason_of: ReasonOf) -> None:
    small = rsa_key("small", 1024)
    head, body, _ = sign().split(".")
    token = unsigned(head, body, small)  # PyJWT would warn about signing with this key
    assert reason_of(token, jwt_key=pem_of(small)) is Reason.JWK_FAILED_TO_RESOLVE


def test_the_pem_is_parsed_once_and_cached(verify: Verify, monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.hazmat.primitives import serialization

    calls = []
    real = serialization.load_der_public_key

    def counting(data: bytes, *args: Any) -> Any:
        calls.append(data)
        return real(data, *args)

    monkeypatch.setattr(serialization, "load_der_public_key", counting)
    pem = pem_of(rsa_key()) + " " * next(_UNSEEN)  # a string no test used: not cached yet
    token = sign()
    for _ in range(50):
        assert verify(token, jwt_key=pem)["sub"] == "user_2abc"
    assert len(calls) == 1


def _jwk(**changes: Any) -> SimpleNamespace:
    fields: dict[str, Any] = {**jwk_of(rsa_key()), **changes}
    return SimpleNamespace(**fields)


@pytest.mark.parametrize(
    "entry",
    [
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
        {"alg": "RS512"},
        {"alg": "HS256"},
        {"use": "enc"},
        {"n": "!!!not-base64!!!"},
        {"n": ""},
        {"n": "AA"},  # a zero modulus
        {"n": "AQAB"},  # a 17-bit modulus
        {"e": "AQA"},  # an even exponent
        {"e": None},
        {"n": 12345},
    ],
)
def test_jwks_entries_that_are_not_rs256_keys_are_a_typed_reason(entry: dict[str, Any]) -> None:
    assert keys.rsa_key_from_jwk(_jwk(**entry)) is Reason.JWK_FAILED_TO_RESOLVE


def test_a_jwks_entry_gives_the_same_key() -> None:
    key = keys.rsa_key_from_jwk(_jwk())
    assert not isinstance(key, Reason)
    assert key.public_numbers() == rsa_key().public_key().public_numbers()
