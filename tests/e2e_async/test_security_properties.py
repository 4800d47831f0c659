"""Whatever Clerk (or something in its place) answers to a JWKS fetch or a machine-token verify
call, verification answers with its documented outcomes only: a signed-in or signed-out
``RequestState``, claims or ``TokenVerificationError``. Never another exception.

Each example is a real HTTP exchange with the scripted server, through a new client (so a new
JWKS cache); ``HYPOTHESIS_PROFILE=long`` runs many more than the suite's.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_async import Clerk, RetryConfig
from clerk_async.security import (
    AuthenticateRequestOptions,
    AuthStatus,
    RequestState,
    TokenVerificationError,
)
from tests.support.server import SECRET_KEY, Reply, ScriptedServer
from tests.support.tokens import KID, b64url, jwk_of, rsa_key, sign

# The server fixture is reset by each example itself.
examples = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
NO_RETRY = RetryConfig("none")

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
B64URL = st.binary(max_size=300).map(b64url)
JWK_FIELDS = st.sampled_from(["kid", "kty", "alg", "use", "n", "e", "crv", "x", "y", "key_ops"])


@st.composite
def jwks(draw: st.DrawFn) -> Any:
    """A key set shaped like Clerk's, the test key's entry among them or not, every field of
    any entry possibly anything."""
    keys: list[Any] = []
    for _ in range(draw(st.integers(0, 3))):
        entry: dict[str, Any] = jwk_of(rsa_key(), draw(st.sampled_from([KID, "ins_other"])))
        changes = draw(st.dictionaries(JWK_FIELDS, JSON | B64URL, max_size=3))
        keys.append({**entry, **changes} if draw(st.booleans()) else changes)
    keys = draw(st.sampled_from([keys, [*keys, draw(JSON)]]))
    return draw(st.sampled_from([{"keys": keys}, {"keys": keys, "extra": draw(JSON)}]))


def _deep(depth: int) -> bytes:
    return b'{"keys":[],"x":' + b"[" * depth + b"]" * depth + b"}"


ANSWER_BODIES = st.one_of(
    jwks().map(lambda value: json.dumps(value).encode()),
    JSON.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
    st.sampled_from([10, 1000, 5000]).map(_deep),
)
STATUSES = st.sampled_from([200, 200, 200, 400, 401, 403, 404, 422, 429, 500, 503])


def _documented(state: object) -> None:
    assert isinstance(state, RequestState)
    if state.status is AuthStatus.SIGNED_IN:
        assert state.to_auth().is_authenticated
    else:
        assert state.reason is not None and isinstance(state.message, str)


@examples
@given(body=ANSWER_BODIES, status=STATUSES)
async def test_any_jwks_answer_gives_a_documented_outcome(
    body: bytes, status: int, server: ScriptedServer
) -> None:
    server.reset()
    server.script("GET", "/v1/jwks", Reply(status, body=body))
    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url, retry_config=NO_RETRY) as one:
        _documented(await one.authenticate_request({"Authorization": f"Bearer {sign()}"}))
    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url, retry_config=NO_RETRY) as two:
        try:
            claims = await two.verify_token(sign())
        except TokenVerificationError as error:
            assert error.__cause__ is None
        else:
            assert claims["sub"] == "user_2abc"


@examples
@given(
    body=ANSWER_BODIES | JSON.map(lambda value: json.dumps({"revoked": value}).encode()),
    status=STATUSES,
    token=st.sampled_from(["ak_" + "0" * 32, "mt_" + "1" * 32, "oat_" + "2" * 32]),
)
async def test_any_machine_token_verify_answer_gives_a_documented_outcome(
    body: bytes, status: int, token: str, server: ScriptedServer
) -> None:
    server.reset()
    for path in ("api_keys", "m2m_tokens", "oauth_applications/access_tokens"):
        server.script("POST", f"/v1/{path}/verify", Reply(status, body=body))
    options = AuthenticateRequestOptions(accepts_token="any")
    async with Clerk(
        bearer_auth=SECRET_KEY, server_url=server.url, retry_config=NO_RETRY
    ) as client:
        _documented(await client.authenticate_request({"Authorization": token}, options))
        try:
            record = await client.verify_token(token)
        except TokenVerificationError as error:
            assert error.__cause__ is None
        else:
            assert isinstance(record, dict)
