"""W7: verify a Clerk-shaped v2 session token (RSA-2048), every check on, no network.

Contenders, one fresh process each (``child``), all verifying the same token with the same checks
(signature, ``exp``/``nbf``/``iat`` with 5 s of skew, ``azp`` against one authorized party):

- ours: ``clerk_sync.security.verify_token(token, VerifyTokenOptions(jwt_key=PEM, ...))``, and the
  same awaited from ``clerk_async.security`` in one coroutine;
- ours with a warm JWKS: ``clerk_sync.Clerk.verify_token`` after the key set was fetched once from
  a local server, which counts the requests: the timed loop must make none;
- the official SDK: ``clerk_backend_api.security.verify_token(token, VerifyTokenOptions(jwt_key=PEM,
  ...))`` (7.0.0);
- PyJWT with a key object (parsed once), plus the ``azp`` check;
- the floor: ``cryptography``'s RSA verify of the signature and ``json.loads`` of the payload.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from benchmarks.measurement import Measurement, Meter, Params

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = ["W7_CONTENDERS", "W7_FLOOR"]

KID = "ins_2benchmark000000000000000"
AZP = "https://app.example.com"
SECRET_KEY = "sk_test_benchmark_0123456789abcdef"
WARMUP = 200


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@cache
def _key() -> RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem() -> str:
    from cryptography.hazmat.primitives import serialization

    public = _key().public_key()
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    return public.public_bytes(serialization.Encoding.PEM, spki).decode("ascii")


def _jwks() -> dict[str, Any]:
    numbers = _key().public_key().public_numbers()

    def encode(value: int) -> str:
        return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))

    jwk = {"use": "sig", "kty": "RSA", "kid": KID, "alg": "RS256"}
    return {"keys": [{**jwk, "n": encode(numbers.n), "e": encode(numbers.e)}]}


@cache
def session_token() -> str:
    """A session token shaped as Clerk issues them (v2 claims, ``cat``/``kid`` header)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    now = int(time.time())
    header = {"alg": "RS256", "cat": "cl_B7d4PD111AAA", "kid": KID, "typ": "JWT"}
    claims = {
        "azp": AZP,
        "exp": now + 3600,
        "fea": "o:articles,o:teams",
        "fva": [0, -1],
        "iat": now,
        "iss": "https://clean-mayfly-62.clerk.accounts.dev",
        "jti": "1f6bd2a8e3c94b0d7a25",
        "nbf": now - 10,
        "o": {"fpm": "3,1", "id": "org_2wQBNxJ4bkBRfvsZiXPUc6qS5Ja", "per": "read,manage",
              "rol": "admin", "slg": "acme"},
        "pla": "u:free_user,o:free_org",
        "role": "authenticated",
        "sid": "sess_2wQBSd1dkGaRPdW6ZkRvt1o5oLp",
        "sts": "active",
        "sub": "user_2wQBNcWZXlyDpKb8rvEWm6Vmgny",
        "v": 2,
    }  # fmt: skip
    head = _b64url(json.dumps(header, separators=(",", ":")).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = _key().sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{_b64url(signature)}"


def _loop(p: Params, verify: Callable[[str], Any], **extra: float) -> Measurement:
    token = session_token()
    for _ in range(WARMUP):
        claims = verify(token)
    if claims["sub"] != "user_2wQBNcWZXlyDpKb8rvEWm6Vmgny":
        raise RuntimeError("the token did not verify to its claims")
    with Meter() as meter:
        for _ in range(p.count):
            verify(token)
    return meter.result(p.count, **extra)


def w7_ours(p: Params) -> Measurement:
    from clerk_sync.security import VerifyTokenOptions, verify_token

    options = VerifyTokenOptions(jwt_key=_pem(), authorized_parties=[AZP])
    return _loop(p, lambda token: verify_token(token, options))


def w7_ours_async(p: Params) -> Measurement:
    from clerk_async.security import VerifyTokenOptions, verify_token

    options = VerifyTokenOptions(jwt_key=_pem(), authorized_parties=[AZP])
    token = session_token()

    async def run() -> Measurement:
        for _ in range(WARMUP):
            await verify_token(token, options)
        with Meter() as meter:
            for _ in range(p.count):
                await verify_token(token, options)
        return meter.result(p.count)

    return asyncio.run(run())


class _JwksServer:
    """``GET /v1/jwks`` on 127.0.0.1, counting the requests it answers."""

    def __init__(self) -> None:
        body = json.dumps(_jwks()).encode()
        owner = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @contextmanager
    def running(self) -> Iterator[_JwksServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


def w7_ours_warm_jwks(p: Params) -> Measurement:
    from clerk_sync import Clerk
    from clerk_sync.security import VerifyTokenOptions

    options = VerifyTokenOptions(authorized_parties=[AZP])
    with _JwksServer().running() as server, Clerk(SECRET_KEY, server_url=server.url) as clerk:
        measurement = _loop(p, lambda token: clerk.verify_token(token, options))
        if server.requests != 1:  # the warm-up's first call fetched the set; nothing since
            raise RuntimeError(f"the warm JWKS path made {server.requests - 1} network calls")
    measurement.extra["network_calls"] = float(server.requests - 1)
    return measurement


def w7_official(p: Params) -> Measurement:
    from clerk_backend_api.security import VerifyTokenOptions, verify_token

    options = VerifyTokenOptions(jwt_key=_pem(), authorized_parties=[AZP])
    return _loop(p, lambda token: verify_token(token, options))


def w7_pyjwt(p: Params) -> Measurement:
    import jwt

    key = _key().public_key()
    checks: Any = {"require": ["exp", "sub"], "verify_aud": False}

    def verify(token: str) -> Any:
        claims = jwt.decode(token, key, algorithms=["RS256"], options=checks, leeway=5)
        if claims.get("azp") != AZP:
            raise ValueError("azp")
        return claims

    return _loop(p, verify)


def floor_verifier() -> Callable[[str], Any]:
    """The floor: ``cryptography``'s RSA verify of the signature and ``json.loads`` of the
    payload, nothing checked (W12 also runs it inside a FastAPI dependency)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = _key().public_key()
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def verify(token: str) -> Any:
        head, body, signature = token.split(".")
        key.verify(_b64url_decode(signature), f"{head}.{body}".encode(), pkcs1, sha256)
        return json.loads(_b64url_decode(body))

    return verify


def w7_floor(p: Params) -> Measurement:
    return _loop(p, floor_verifier())


W7_CONTENDERS: dict[str, Callable[[Params], Measurement]] = {
    "ours": w7_ours,
    "ours, clerk_async": w7_ours_async,
    "ours, warm JWKS (Clerk.verify_token)": w7_ours_warm_jwks,
    "official SDK": w7_official,
    "PyJWT, key object": w7_pyjwt,
    "cryptography + json.loads": w7_floor,
}
W7_FLOOR = "cryptography + json.loads"
