"""The RS256 profile: what is a token at all, before any claim is looked at."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk_async._security import jws
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import b64url, ec_key, pem_of, rsa_key, session_claims, sign, unsigned

from .conftest import Authenticate, Verify

ReasonOf = Callable[..., Reason]


def _json_part(value: Any) -> str:
    return b64url(json.dumps(value).encode())


def test_a_clerk_session_token_verifies(verify: Verify) -> None:
    claims = verify(sign())
    assert claims["sub"] == "user_2abc"
    assert claims["o"]["rol"] == "admin"


@pytest.mark.parametrize("algorithm", ["HS256", "HS512", "PS256", "RS384", "RS512", "ES256"])
def test_only_rs256_is_accepted(algorithm: str, reason_of: ReasonOf) -> None:
    if algorithm.startswith("HS"):
        key: Any = b"a-shared-secret-long-enough-for-hs512" * 2
    elif algorithm.startswith("ES"):
        key = ec_key()
    else:
        key = rsa_key()
    token = jwt.encode(session_claims(), key, algorithm=algorithm, headers={"kid": "k"})
    assert reason_of(token) is Reason.TOKEN_INVALID


def test_alg_none_is_rejected(reason_of: ReasonOf) -> None:
    head = _json_part({"alg": "none", "typ": "JWT"})
    assert reason_of(f"{head}.{_json_part(session_claims())}.") is Reason.TOKEN_INVALID
    head = _json_part({"alg": "None", "typ": "JWT"})
    forged = f"{head}.{_json_part(session_claims())}.{b64url(b'x')}"
    assert reason_of(forged) is Reason.TOKEN_INVALID


def test_hs256_keyed_with_the_rsa_public_key_is_rejected(reason_of: ReasonOf) -> None:
    """The classic key-confusion forgery: HMAC with the public PEM as the secret."""
    pem = pem_of(rsa_key())
    head, body = _json_part({"alg": "HS256", "typ": "JWT"}), _json_part(session_claims())
    mac = hmac.new(pem.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert reason_of(f"{head}.{body}.{b64url(mac)}", jwt_key=pem) is Reason.TOKEN_INVALID


def test_the_signature_is_checked_before_any_claim(reason_of: ReasonOf) -> None:
    other = rsa_key("other")
    expired = session_claims(exp=1000, iat=900, nbf=900)
    assert reason_of(sign(expired, key=other)) is Reason.TOKEN_INVALID_SIGNATURE
    assert reason_of(sign(session_claims(sub=None), key=other)) is Reason.TOKEN_INVALID_SIGNATURE
    wrong_party = session_claims(azp="https://evil.example")
    assert (
        reason_of(sign(wrong_party, key=other), authorized_parties=["https://app.example.com"])
        is Reason.TOKEN_INVALID_SIGNATURE
    )
    # And with the right key, the same claims fail on the claim.
    assert reason_of(sign(expired)) is Reason.TOKEN_EXPIRED


@pytest.mark.parametrize("crit", [["exp"], [], ["b64"], "exp"])
def test_a_crit_header_is_rejected(crit: Any, reason_of: ReasonOf) -> None:
    assert reason_of(sign(crit=crit)) is Reason.TOKEN_INVALID


def _mutations(token: str) -> dict[str, str]:
    head, body, signature = token.split(".")
    last = signature[-1]
    # Changing the unused low bits of the last character decodes to the same bytes.
    sibling = jws._ALPHABET[jws._SEXTET[last] ^ 1]
    return {
        # PyJWT, which Clerk's Python SDK uses, verifies this one.
        "padding on the signature": f"{head}.{body}.{signature}==",
        "padding on the payload": f"{head}.{body}=.{signature}",
        "standard alphabet in the signature": f"{head}.{body}.{_standard(signature)}",
        "a space inside the signature": f"{head}.{body}.{signature[:10]} {signature[10:]}",
        "junk inside the payload": f"{head}.{body[:5]}!{body[5:]}.{signature}",
        "non-zero trailing bits": f"{head}.{body}.{signature[:-1]}{sibling}",
        "a fourth part": f"{token}.{signature}",
        "two parts": f"{head}.{body}",
        "an empty signature": f"{head}.{body}.",
        "a non-ASCII character": f"{head}.{body}.{signature[:-1]}é",
        "an impossible length": f"{head}.{body}.{signature}{'A' * ((1 - len(signature)) % 4)}",
    }


def _standard(part: str) -> str:
    """The same bytes in standard base64 (with + and /), if the part has any - or _."""
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    encoded = base64.b64encode(raw).decode().rstrip("=")
    return encoded if encoded != part else part.replace("A", "+", 1)


def _canonical_part(part: str) -> bytes | None:
    """The rule, spelled out: base64url characters only, no padding, and the very string that
    encoding its bytes gives back (so no impossible length, no stray trailing bits)."""
    if any(c not in jws._ALPHABET for c in part):
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError:
        return None
    return raw if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == part else None


@given(
    st.binary(max_size=40).map(lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("="))
    | st.text(st.sampled_from([*jws._ALPHABET[::7], "+", "/", "=", " ", "!", "é", "\x00"]))
)
def test_a_part_decodes_exactly_when_canonical(part: str) -> None:
    assert jws.b64url_decode(part) == _canonical_part(part)


@pytest.mark.parametrize("mutation", sorted(_mutations(sign()).keys()))
def test_non_canonical_encodings_are_rejected(mutation: str, reason_of: ReasonOf) -> None:
    token = sign()
    mutated = _mutations(token)[mutation]
    assert mutated != token
    assert reason_of(mutated) is Reason.TOKEN_INVALID


def test_tokens_above_the_size_cap_are_rejected_before_any_work(
    verify: Verify, reason_of: ReasonOf, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = sign(session_claims(padding="x" * (8 * 1024 * 1024)))  # validly signed, 8 MB
    room = (jws.MAX_TOKEN_LENGTH - len(sign())) * 3 // 4  # payload bytes left under the cap
    just_over = sign(session_claims(padding="x" * (room + 30)))
    under = sign(session_claims(padding="x" * (room - 30)))
    assert len(under) <= jws.MAX_TOKEN_LENGTH < len(just_over) < jws.MAX_TOKEN_LENGTH + 100
    assert verify(under)["padding"].startswith("x")

    def no_decoding(_: bytes) -> Any:
        raise AssertionError("a token above the cap was decoded")

    monkeypatch.setattr(jws, "_decode_json", no_decoding)
    assert reason_of(big) is Reason.TOKEN_INVALID
    assert reason_of(just_over) is Reason.TOKEN_INVALID


def _deeply_nested(depth: int) -> bytes:
    """A JSON object holding an array nested ``depth`` levels deep."""
    return b'{"alg":"RS256","kid":"k","x":' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("part", ["header", "payload"])
def test_json_nested_thousands_of_levels_deep_is_token_invalid(
    part: str, reason_of: ReasonOf, authenticate: Authenticate
) -> None:
    """Under the size cap, yet deep enough to exhaust any recursive decoder's stack."""
    nested, plain = b64url(_deeply_nested(5000)), _json_part({"alg": "RS256", "kid": "k"})
    head, body = (nested, _json_part(session_claims())) if part == "header" else (plain, nested)
    token = unsigned(head, body, rsa_key())
    assert len(token) <= jws.MAX_TOKEN_LENGTH

    assert reason_of(token) is Reason.TOKEN_INVALID
    state = authenticate({"Authorization": f"Bearer {token}"})
    assert state.reason is Reason.TOKEN_INVALID


@pytest.mark.parametrize("token", [None, b"a.b.c", 42, "", "not a token", "a.b.c"])
def test_what_is_not_a_token_is_token_invalid(token: object, reason_of: ReasonOf) -> None:
    assert reason_of(token) is Reason.TOKEN_INVALID


def test_header_and_payload_must_be_json_objects(reason_of: ReasonOf) -> None:
    key = rsa_key()
    head = _json_part({"alg": "RS256", "kid": "k"})
    body = _json_part(session_claims())
    assert reason_of(unsigned(_json_part(["RS256"]), body, key)) is Reason.TOKEN_INVALID
    assert reason_of(unsigned(head, _json_part([1, 2]), key)) is Reason.TOKEN_INVALID
    assert reason_of(unsigned(head, _json_part("user_1"), key)) is Reason.TOKEN_INVALID
    assert reason_of(unsigned(head, b64url(b"{not json"), key)) is Reason.TOKEN_INVALID
    assert reason_of(unsigned(b64url(b"\xff\xfe"), body, key)) is Reason.TOKEN_INVALID
    numeric_kid = _json_part({"alg": "RS256", "kid": 7})
    assert reason_of(unsigned(numeric_kid, body, key)) is Reason.TOKEN_INVALID


def test_typ_must_be_jwt_or_absent(verify: Verify, reason_of: ReasonOf) -> None:
    assert verify(sign(typ=None))["sub"] == "user_2abc"
    assert verify(sign(typ="JWT"))["sub"] == "user_2abc"
    assert reason_of(sign(typ="JOSE")) is Reason.TOKEN_INVALID
    # An OAuth access token is a machine token: not a session, whatever its signature.
    assert reason_of(sign(typ="at+jwt")) is Reason.INVALID_TOKEN_TYPE


# -- PyJWT as an independent oracle ------------------------------------------------------------

_OFFSETS = (-3600, -30, -8, 8, 30, 3600, None)  # seconds from now; None: the claim is absent


def _generated_claims(seed: int) -> dict[str, Any]:
    """Claims spread over every accept/reject boundary (kept 3 s or more away from them)."""
    rng = random.Random(seed)
    base = int(time.time())
    claims = session_claims(base)
    for name in ("exp", "nbf", "iat"):
        offset = rng.choice(_OFFSETS if name != "exp" else (*_OFFSETS[:-1], -3600, 3600))
        if offset is None or (name == "exp" and rng.random() < 0.05):
            claims.pop(name, None)
        else:
            claims[name] = base + offset + (0.5 if rng.random() < 0.2 else 0)
    if rng.random() < 0.1:
        claims.pop("sub")
    if rng.random() < 0.2:
        claims["aud"] = rng.choice(["api", ["api", "web"], "web"])
    return claims


def _oracle(token: str, pem: str, audience: str | None) -> dict[str, Any] | None:
    options: Any = {"require": ["exp", "sub"], "verify_aud": audience is not None}
    try:
        claims: dict[str, Any] = jwt.decode(
            token, pem, algorithms=["RS256"], audience=audience, options=options, leeway=5
        )
        return claims
    except jwt.InvalidTokenError:
        return None


def _canonical(token: str) -> bool:
    for part in token.split("."):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            return False
        if b64url(raw) != part:
            return False
    return True


def _ours(verify: Verify, token: str, audience: str | None) -> dict[str, Any] | None:
    from clerk_async.security import TokenVerificationError

    try:
        return verify(token, audience=audience)
    except TokenVerificationError:
        return None


def test_generated_tokens_agree_with_pyjwt(verify: Verify) -> None:
    pem = pem_of(rsa_key())
    other = rsa_key("other")
    outcomes = {"accepted": 0, "rejected": 0}
    for seed in range(300):
        claims = _generated_claims(seed)
        key = other if seed % 17 == 0 else rsa_key()
        token = sign(claims, key=key)
        audience = "api" if seed % 3 == 0 else None
        expected, ours = _oracle(token, pem, audience), _ours(verify, token, audience)
        assert (ours is None) == (expected is None), (seed, claims, audience)
        assert ours is None or ours == expected
        outcomes["accepted" if ours else "rejected"] += 1
    assert outcomes["accepted"] > 25 and outcomes["rejected"] > 100


def _mutate(token: str, rng: random.Random) -> str:
    alphabet = jws._ALPHABET + "=+/. "
    operation = rng.randrange(4)
    if operation == 0:  # replace one or two characters
        chars = list(token)
        for _ in range(rng.choice((1, 2))):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        return "".join(chars)
    if operation == 1:  # insert one
        at = rng.randrange(len(token) + 1)
        return token[:at] + rng.choice(alphabet) + token[at:]
    if operation == 2:  # delete one
        at = rng.randrange(len(token))
        return token[:at] + token[at + 1 :]
    parts = token.split(".")  # pad one part
    index = rng.randrange(3)
    parts[index] += rng.choice(("=", "=="))
    return ".".join(parts)


def test_mutated_tokens_agree_with_pyjwt_where_canonical(verify: Verify) -> None:
    pem = pem_of(rsa_key())
    rng = random.Random(7)
    token = sign()
    disagreements = 0
    for _ in range(600):
        mutated = _mutate(token, rng)
        expected, ours = _oracle(mutated, pem, None), _ours(verify, mutated, None)
        if ours is not None:  # whatever we accept, PyJWT accepts with the same claims
            assert ours == expected
        elif expected is not None:  # and we reject more only for non-canonical encodings
            assert not _canonical(mutated), mutated
            disagreements += 1
    assert disagreements > 0  # the mutations did reach the canonical-encoding rule
