"""Whatever arrives as a token, an Authorization header or a cookie, verification answers with
its documented outcomes only: ``verify_token`` returns claims or raises
``TokenVerificationError``; ``authenticate_request`` returns a ``RequestState`` whose
``to_auth()`` works when signed in. Never another exception, whatever the input (both packages).

Run with ``HYPOTHESIS_PROFILE=long`` for many more examples than the suite's.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clerk_async.security import AuthStatus, RequestState, TokenVerificationError
from tests.support.tokens import KID, b64url, rsa_key, session_claims, unsigned

from .conftest import Authenticate, Verify

# The flavour fixtures hold no state between examples.
examples = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

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
#: Claim names verification reads, so that weird values reach every rule.
CLAIMS = st.sampled_from(
    ["exp", "nbf", "iat", "sub", "azp", "aud", "v", "o", "fea", "pla", "sts", "act", "fva", "sid"]
)
HEADER_FIELDS = st.sampled_from(["alg", "kid", "typ", "cat", "crit", "jku", "x5c"])
#: Text with everything in it: any code point (lone surrogates too), and bytes read as Latin-1.
ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=None), max_size=60),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
)
#: Three (or some other number of) dot-separated base64url parts of arbitrary bytes.
DOTTED = st.lists(st.binary(max_size=120).map(b64url), min_size=1, max_size=5).map(".".join)


def _nested(depth: int) -> bytes:
    return b'{"alg":"RS256","a":' + b"[" * depth + b"]" * depth + b"}"


#: Nested thousands of levels deep in the header, then in the payload: always tried.
_PLAIN_HEADER = b64url(b'{"alg":"RS256"}')
DEEP = [
    f"{b64url(_nested(5000))}.{b64url(b'{}')}.{b64url(b'x')}",
    f"{_PLAIN_HEADER}.{b64url(_nested(5000))}.{b64url(b'x')}",
]
#: JSON text of any shape, nesting thousands of levels deep included.
JSON_TEXT = st.one_of(
    JSON.map(json.dumps),
    st.sampled_from([10, 1000, 5000]).map(lambda depth: _nested(depth).decode()),
)
#: Header and payload of any JSON, and any signature.
JSON_PARTS = st.tuples(JSON_TEXT, JSON_TEXT, st.binary(max_size=300)).map(
    lambda parts: ".".join([b64url(parts[0].encode()), b64url(parts[1].encode()), b64url(parts[2])])
)


@st.composite
def signed_tokens(draw: st.DrawFn) -> str:
    """A token correctly signed by the test key, with arbitrary changes to a Clerk session
    token's header and claims (so the signature holds and every later rule is reached)."""
    header: dict[str, Any] = {"alg": "RS256", "kid": KID, "typ": "JWT"}
    header.update(draw(st.dictionaries(HEADER_FIELDS, JSON, max_size=3)))
    claims = session_claims()
    claims.update(draw(st.dictionaries(CLAIMS | st.text(max_size=6), JSON, max_size=4)))
    for name in draw(st.lists(CLAIMS, max_size=2)):
        claims.pop(name, None)
    head, body = (b64url(json.dumps(part).encode()) for part in (header, claims))
    return unsigned(head, body, rsa_key())


TOKENS = st.one_of(ANY_TEXT, DOTTED, JSON_PARTS, signed_tokens())


def _outcome_of_authenticate(state: object) -> None:
    assert isinstance(state, RequestState)
    if state.status is AuthStatus.SIGNED_IN:
        auth = state.to_auth()
        assert auth.user_id is None or isinstance(auth.user_id, str) or auth.user_id
    else:
        assert state.reason is not None and isinstance(state.message, str)


@examples
@given(token=TOKENS)
@example(token=DEEP[0])
@example(token=DEEP[1])
def test_any_token_verifies_or_raises_the_documented_error(token: str, verify: Verify) -> None:
    try:
        claims = verify(token)
    except TokenVerificationError as error:
        assert error.__cause__ is None
    else:
        assert isinstance(claims, dict)


@examples
@given(token=TOKENS)
@example(token=DEEP[0])
@example(token=DEEP[1])
def test_any_bearer_token_signs_in_or_out(token: str, authenticate: Authenticate) -> None:
    _outcome_of_authenticate(authenticate({"Authorization": f"Bearer {token}"}))


@examples
@given(authorization=ANY_TEXT | TOKENS, cookie=ANY_TEXT, binary=st.booleans())
def test_any_authorization_header_and_cookie_sign_in_or_out(
    authorization: str, cookie: str, binary: bool, authenticate: Authenticate
) -> None:
    headers: dict[str, Any] = {"Authorization": authorization, "Cookie": cookie}
    if binary:  # some frameworks hand over raw header bytes
        headers = {name: value.encode("utf-8", "surrogatepass") for name, value in headers.items()}
    _outcome_of_authenticate(authenticate(headers))


@examples
@given(token=TOKENS, client_uat=ANY_TEXT, other=ANY_TEXT)
def test_any_session_cookie_signs_in_or_out(
    token: str, client_uat: str, other: str, authenticate: Authenticate
) -> None:
    cookie = f"{other}; __session={token}; __client_uat={client_uat}"
    _outcome_of_authenticate(authenticate({"Cookie": cookie}))
    machine = authenticate({"Cookie": cookie}, accepts_token="any")
    _outcome_of_authenticate(machine)
