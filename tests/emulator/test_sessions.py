"""Sessions, session tokens verified against the JWKS, sign-in and testing tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .support import Api


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify_rs256(jwt: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify with ``cryptography`` only: pick the key by ``kid``, check the PKCS#1 signature."""
    header_b64, claims_b64, signature_b64 = jwt.split(".")
    header = json.loads(_b64(header_b64))
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert (header["alg"], jwk["kty"], jwk["alg"], jwk["use"]) == ("RS256", "RSA", "RS256", "sig")
    public = rsa.RSAPublicNumbers(
        int.from_bytes(_b64(jwk["e"]), "big"), int.from_bytes(_b64(jwk["n"]), "big")
    ).public_key()
    public.verify(
        _b64(signature_b64),
        f"{header_b64}.{claims_b64}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    return header, json.loads(_b64(claims_b64))


async def test_session_lifecycle(api: Api) -> None:
    user = await api.user()

    created = await api.post("/sessions", {"user_id": user["id"]})
    assert created.status == 200
    session = created.body
    assert session["id"].startswith("sess_")
    assert session["client_id"].startswith("client_")
    assert session["status"] == "active"
    assert session["expire_at"] > session["created_at"]
    assert (await api.get(f"/sessions/{session['id']}")).body == session
    user_after = (await api.get(f"/users/{user['id']}")).body
    assert user_after["last_sign_in_at"] == session["created_at"]

    second = (await api.post("/sessions", {"user_id": user["id"]})).body
    listed = await api.get("/sessions", user_id=user["id"])
    assert [s["id"] for s in listed.body] == [second["id"], session["id"]]
    by_client = await api.get("/sessions", client_id=second["client_id"])
    assert [s["id"] for s in by_client.body] == [second["id"]]

    revoked = await api.post(f"/sessions/{session['id']}/revoke")
    assert revoked.body["status"] == "revoked"
    assert (await api.post(f"/sessions/{session['id']}/revoke")).status == 400
    active = await api.get("/sessions", user_id=user["id"], status="active")
    assert [s["id"] for s in active.body] == [second["id"]]
    token = await api.post(f"/sessions/{session['id']}/tokens")
    assert token.status == 404

    assert (await api.post("/sessions", {"user_id": "user_nope"})).status == 404
    assert (await api.get("/sessions/sess_nope")).status == 404

    await api.delete(f"/users/{user['id']}")
    assert (await api.get(f"/sessions/{second['id']}")).body["status"] == "removed"


async def test_session_token_verifies_with_the_jwks(api: Api) -> None:
    user = await api.user()
    org = (await api.post("/organizations", {"name": "Tokens Inc", "created_by": user["id"]})).body
    session = (
        await api.post("/sessions", {"user_id": user["id"], "active_organization_id": org["id"]})
    ).body
    jwks = (await api.get("/jwks")).body

    before = int(time.time())
    token = await api.post(f"/sessions/{session['id']}/tokens", {"expires_in_seconds": 120})
    header, claims = _verify_rs256(token.body["jwt"], jwks)

    assert token.body["object"] == "token"
    assert header == {
        "alg": "RS256",
        "cat": "cl_B7d4PD111AAA",
        "kid": jwks["keys"][0]["kid"],
        "typ": "JWT",
    }
    assert claims["v"] == 2 and claims["sts"] == "active" and len(claims["jti"]) == 20
    assert claims["sub"] == user["id"]
    assert claims["sid"] == session["id"]
    assert claims["iss"] == api.emulator.origin
    assert claims["o"] == {"id": org["id"], "rol": "admin", "slg": org["slug"]}
    assert before - 1 <= claims["iat"] <= before + 5
    assert claims["exp"] - claims["iat"] == 120
    assert claims["nbf"] <= claims["iat"]

    # The same key set is public at the issuer's well-known address.
    async with api.session.get(api.emulator.origin + "/.well-known/jwks.json") as response:
        assert await response.json() == jwks


async def test_template_tokens(api: Api) -> None:
    user = await api.user(
        email_address=["t@example.com"], first_name="Tess", public_metadata={"role": "editor"}
    )
    session = (await api.post("/sessions", {"user_id": user["id"]})).body
    await api.post(
        "/jwt_templates",
        {
            "name": "hasura",
            "claims": {
                "email": "{{user.primary_email_address}}",
                "meta": "{{user.public_metadata}}",
                "role": "{{user.public_metadata.role}}",
                "greeting": "hello {{user.first_name}}!",
                "static": [1, "two"],
            },
            "lifetime": 90,
            "allowed_clock_skew": 7,
        },
    )
    secret = "shared-secret-for-hs256"
    await api.post(
        "/jwt_templates",
        {
            "name": "hs",
            "claims": {"uid": "{{user.id}}"},
            "custom_signing_key": True,
            "signing_algorithm": "HS256",
            "signing_key": secret,
        },
    )
    jwks = (await api.get("/jwks")).body

    rs = await api.post(f"/sessions/{session['id']}/tokens/hasura")
    header, claims = _verify_rs256(rs.body["jwt"], jwks)
    assert header["cat"] == "cl_B7d4PD222AAA"  # a JWT-template token, not a session token
    assert claims["email"] == "t@example.com"
    assert claims["meta"] == {"role": "editor"}
    assert claims["role"] == "editor"
    assert claims["greeting"] == "hello Tess!"
    assert claims["static"] == [1, "two"]
    assert claims["exp"] - claims["iat"] == 90
    assert claims["iat"] - claims["nbf"] == 7
    assert claims["sub"] == user["id"]

    hs = (await api.post(f"/sessions/{session['id']}/tokens/hs")).body["jwt"]
    head, body, signature = hs.split(".")
    expected = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert _b64(signature) == expected
    assert json.loads(_b64(body))["uid"] == user["id"]

    missing = await api.post(f"/sessions/{session['id']}/tokens/nope")
    assert missing.status == 404


async def test_sign_in_and_testing_tokens(api: Api) -> None:
    user = await api.user()

    created = await api.post("/sign_in_tokens", {"user_id": user["id"]})
    assert created.status == 200
    token = created.body
    assert token["id"].startswith("sit_")
    assert token["status"] == "pending"
    assert token["token"] in token["url"]
    assert (await api.post("/sign_in_tokens", {"user_id": "user_nope"})).status == 404
    zero = await api.post("/sign_in_tokens", {"user_id": user["id"], "expires_in_seconds": 0})
    assert (zero.status, zero.param) == (422, "expires_in_seconds")

    revoked = await api.post(f"/sign_in_tokens/{token['id']}/revoke")
    assert revoked.body["status"] == "revoked"
    assert (await api.post(f"/sign_in_tokens/{token['id']}/revoke")).status == 400

    testing = await api.post("/testing_tokens")
    assert testing.body["object"] == "testing_token"
    assert testing.body["expires_at"] > time.time()
    assert testing.body["token"].split("-")[0].isdigit()
