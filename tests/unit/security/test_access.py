"""``decide_access``: what the framework adapters answer, from a request's state and a route's
requirement; through ``authenticate_request`` of both packages where the state matters."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_async.security import (
    AccessDecision,
    AuthenticateRequestOptions,
    AuthErrorReason,
    AuthObject,
    AuthStatus,
    RequestState,
    Requirement,
    Reverification,
    TokenType,
    TokenVerificationErrorReason,
    decide_access,
)
from tests.support.tokens import session_claims, sign

from .conftest import Authenticate

JSON = ("Content-Type", "application/json")


def signed_in(**changes: Any) -> RequestState:
    payload = session_claims(**changes)
    return RequestState(AuthStatus.SIGNED_IN, None, "token", payload, TokenType.SESSION_TOKEN)


def machine(token_type: TokenType = TokenType.API_KEY) -> RequestState:
    payload = {"id": "ak_1", "subject": "user_1", "scopes": ["read"], "name": "ci"}
    return RequestState(AuthStatus.SIGNED_IN, None, "ak_x", payload, token_type)


def body(decision: AccessDecision) -> Any:
    return json.loads(decision.body)


def challenge(decision: AccessDecision) -> str:
    (value,) = [value for name, value in decision.headers if name == "WWW-Authenticate"]
    return value


def test_signed_in_is_enough_without_a_requirement() -> None:
    decision = decide_access(signed_in())
    assert decision.allowed and decision.status == 200
    assert decision.headers == () and decision.body == b""
    assert decision.auth is not None and decision.auth.has(role="admin")


#: The reasons that are the server's, not the caller's (503), and whether a retry may cure them.
SERVER_SIDE = {
    "jwk-failed-to-load": True,  # Clerk down (past the stale window), or answering garbage
    "jwk-remote-invalid": True,  # Clerk's key set holds no key
    "server-error": True,  # a machine-token verify call failed (5xx, timeout, rate limit)
    "jwk-failed-to-resolve": False,  # the jwt_key (or Clerk's key) is no usable RS256 key
    "secret-key-missing": False,
    "secret-key-invalid": False,
}
ALL_REASONS = [*TokenVerificationErrorReason, *AuthErrorReason]


@pytest.mark.parametrize(
    "reason", ALL_REASONS, ids=lambda reason: f"{type(reason).__name__}.{reason.name}"
)
def test_a_server_side_failure_is_503_not_the_callers_401(
    reason: AuthErrorReason | TokenVerificationErrorReason,
) -> None:
    decision = decide_access(RequestState(AuthStatus.SIGNED_OUT, reason))

    if reason.code not in SERVER_SIDE:
        assert decision.status == 401
        return
    assert decision.status == 503 and decision.auth is None
    assert body(decision) == {
        "error": "unavailable",
        "reason": reason.code,
        "message": reason.message,
    }
    headers = dict(decision.headers)
    assert "WWW-Authenticate" not in headers  # no challenge: the credentials are not in doubt
    assert headers["Content-Type"] == "application/json"
    if SERVER_SIDE[reason.code]:
        assert int(headers["Retry-After"]) > 0
    else:
        assert "Retry-After" not in headers  # a configuration waits for an operator


def test_no_secret_key_to_verify_with_is_503(authenticate: Authenticate) -> None:
    state = authenticate({"Authorization": f"Bearer {sign(session_claims())}"}, jwt_key=None)

    decision = decide_access(state)

    assert decision.status == 503 and decision.reason == "secret-key-missing"


def test_every_refusal_says_its_message() -> None:
    stale = signed_in(fva=[30, -1])
    decisions = [
        decide_access(None),
        decide_access(RequestState(AuthStatus.SIGNED_OUT, AuthErrorReason.TOKEN_TYPE_MISMATCH)),
        decide_access(
            RequestState(AuthStatus.SIGNED_OUT, TokenVerificationErrorReason.SERVER_ERROR)
        ),
        decide_access(signed_in(sts="pending")),
        decide_access(signed_in(), Requirement(role="member")),
        decide_access(signed_in(), Requirement(role="member", forbidden_status=404)),
    ]
    for decision in decisions:
        assert decision.message is not None and decision.message == body(decision)["message"]
    reverify = decide_access(stale, Requirement(reverification="strict"))
    assert reverify.message is not None and "verify again" in reverify.message
    assert decide_access(signed_in()).message is None


def test_a_refusal_of_your_own_is_decide_accesss_401() -> None:
    gone = AccessDecision.unauthenticated("user-not-found", 'The "user" is gone.')

    assert gone.status == 401 and gone.auth is None and gone.reason == "user-not-found"
    assert gone.message == 'The "user" is gone.'
    assert body(gone) == {
        "error": "unauthenticated",
        "reason": "user-not-found",
        "message": 'The "user" is gone.',
    }
    assert challenge(gone) == (
        'Bearer error="invalid_token", error_description="The \'user\' is gone."'
    )
    with pytest.raises(TypeError, match="reason"):
        AccessDecision.unauthenticated("", "message")


@pytest.mark.parametrize("state", [None, RequestState(AuthStatus.SIGNED_OUT)])
def test_no_state_is_unauthenticated(state: RequestState | None) -> None:
    decision = decide_access(state)
    assert decision.status == 401 and decision.auth is None
    assert challenge(decision) == "Bearer"
    assert JSON in decision.headers


def test_no_token_is_a_bare_challenge(authenticate: Authenticate) -> None:
    decision = decide_access(authenticate({}))
    assert decision.status == 401
    assert challenge(decision) == "Bearer"  # RFC 6750: no error code without credentials
    assert body(decision) == {
        "error": "unauthenticated",
        "reason": "session-token-missing",
        "message": AuthErrorReason.SESSION_TOKEN_MISSING.message,
    }


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"exp": 1}, TokenVerificationErrorReason.TOKEN_EXPIRED),
        ({"sub": None}, TokenVerificationErrorReason.TOKEN_INVALID),
    ],
)
def test_a_bad_token_says_why(
    authenticate: Authenticate, changes: dict[str, Any], reason: TokenVerificationErrorReason
) -> None:
    state = authenticate({"Authorization": f"Bearer {sign(session_claims(**changes))}"})
    decision = decide_access(state)
    assert decision.status == 401 and decision.reason == reason.code
    assert challenge(decision) == (
        f'Bearer error="invalid_token", error_description="{reason.message}"'
    )
    assert body(decision)["reason"] == reason.code


def test_the_description_is_a_quotable_string() -> None:
    state = RequestState(AuthStatus.SIGNED_OUT, AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED)
    value = challenge(decide_access(state))
    description = value.split('error_description="', 1)[1][:-1]
    assert '"' not in description and "\\" not in description and description.isascii()


def test_a_pending_session_is_unauthenticated_unless_accepted() -> None:
    state = signed_in(sts="pending")
    decision = decide_access(state, Requirement(role="admin"))
    assert decision.status == 401 and decision.reason == "session-pending"
    assert 'error="invalid_token"' in challenge(decision)
    accepted = Requirement(role="admin", treat_pending_as_signed_out=False)
    assert decide_access(state, accepted).status == 200


def test_claims_clerk_js_refuses_are_unauthenticated() -> None:
    decision = decide_access(signed_in(fea="o:articles,"))
    assert decision.status == 401 and decision.reason == "session-claims-invalid"


def test_a_role_the_user_lacks_is_forbidden_or_hidden() -> None:
    allowed = decide_access(signed_in(), Requirement(role="admin", feature="articles"))
    assert allowed.status == 200
    forbidden = decide_access(signed_in(), Requirement(role="member"))
    assert forbidden.status == 403 and forbidden.headers == (JSON,)
    assert body(forbidden)["error"] == "forbidden"
    assert forbidden.auth is not None  # for logging: who was refused
    hidden = decide_access(signed_in(), Requirement(role="member", forbidden_status=404))
    assert hidden.status == 404 and body(hidden) == {"error": "not_found", "message": "Not found."}


def test_a_check_over_the_auth_object() -> None:
    def same_org(auth: AuthObject) -> bool:
        return getattr(auth, "org_slug", None) == "acme"

    assert decide_access(signed_in(), Requirement(check=same_org)).allowed
    other = signed_in(o={"id": "org_2", "rol": "admin", "slg": "other"})
    assert decide_access(other, Requirement(check=same_org)).status == 403
    assert decide_access(other, Requirement(check=same_org, forbidden_status=404)).status == 404


REVERIFY_STRICT = (
    b'{"clerk_error":{"type":"forbidden","reason":"reverification-error",'
    b'"metadata":{"reverification":{"level":"second_factor","afterMinutes":10}}}}'
)


def test_a_stale_session_is_asked_to_verify_again() -> None:
    stale = signed_in(fva=[30, -1])
    decision = decide_access(stale, Requirement(role="admin", reverification="strict"))
    assert decision.status == 403 and decision.reason == "reverification-error"
    assert decision.body == REVERIFY_STRICT  # what useReverification() reads
    assert decision.headers == (JSON,)
    assert decide_access(stale, Requirement(reverification="lax")).allowed
    custom = decide_access(stale, Requirement(reverification=Reverification("first_factor", 1.5)))
    metadata = body(custom)["clerk_error"]["metadata"]
    assert metadata == {"reverification": {"level": "first_factor", "afterMinutes": 1.5}}


def test_reverification_is_asked_only_when_nothing_else_fails() -> None:
    stale = signed_in(fva=[30, -1])
    decision = decide_access(stale, Requirement(role="member", reverification="strict"))
    assert decision.status == 403 and decision.reason == "forbidden"
    hidden = Requirement(role="admin", reverification="strict", forbidden_status=404)
    assert decide_access(stale, hidden).body == REVERIFY_STRICT  # the frontend must see it


def test_token_types_a_route_accepts() -> None:
    api_key = machine()
    refused = decide_access(api_key)
    assert refused.status == 401 and refused.reason == "token-type-not-supported"
    assert decide_access(api_key, Requirement(accepts_token=["api_key"])).allowed
    assert decide_access(api_key, Requirement(accepts_token="any")).allowed
    session_refused = decide_access(signed_in(), Requirement(accepts_token="api_key"))
    assert session_refused.status == 401


def test_machine_tokens_pass_checks_but_no_has() -> None:
    api_key = machine()

    def may_read(auth: AuthObject) -> bool:
        return "read" in (getattr(auth, "scopes", None) or [])

    assert decide_access(api_key, Requirement(accepts_token="any", check=may_read)).allowed
    for asked in (
        Requirement(accepts_token="any", role="admin"),
        Requirement(accepts_token="any", reverification="lax"),
        Requirement(accepts_token="any", feature="a", check=may_read),
    ):
        decision = decide_access(api_key, asked)
        assert decision.status == 403 and decision.reason == "forbidden"


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"role": 1}, TypeError),
        ({"reverification": "strict_2fa"}, ValueError),
        ({"check": "admin"}, TypeError),
        ({"accepts_token": "session"}, ValueError),
        ({"accepts_token": []}, TypeError),
        ({"forbidden_status": 401}, ValueError),
        ({"treat_pending_as_signed_out": "yes"}, TypeError),
    ],
)
def test_a_requirement_is_checked_when_declared(
    arguments: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        Requirement(**arguments)


@pytest.mark.parametrize(
    ("accepts_token", "error", "says"),
    [
        ("session", ValueError, "'session'"),
        ([["api_key"]], ValueError, r"\['api_key'\]"),  # not a name: said, not an unhashable
        ([None], ValueError, "None"),
        ([], TypeError, "non-empty"),
        (7, TypeError, "token type name"),
    ],
)
def test_a_route_and_the_options_check_accepts_token_alike(
    accepts_token: object, error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says) as by_route:
        Requirement(accepts_token=accepts_token)  # type: ignore[arg-type]
    with pytest.raises(error, match=says) as by_options:
        AuthenticateRequestOptions(accepts_token=accepts_token)  # type: ignore[arg-type]
    assert str(by_route.value) == str(by_options.value)


def test_a_requirement_keeps_its_rule() -> None:
    requirement = Requirement(reverification={"level": "multi_factor", "afterMinutes": 10})
    assert requirement.reverification == Reverification("multi_factor", 10)
    with pytest.raises(TypeError, match="Requirement"):
        decide_access(None, "admin")  # type: ignore[arg-type]


def test_a_requirement_decides_without_asking_has_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a route asks is worked out when it is declared, not by ``has()`` per request."""
    from clerk_async.security import SessionAuthObjectV2

    def not_per_request(self: object, **check: object) -> bool:
        raise AssertionError(f"has({check}) was asked per request")

    monkeypatch.setattr(SessionAuthObjectV2, "has", not_per_request)
    stale = signed_in(fva=[30, -1], pla="o:free_org")
    assert decide_access(stale, Requirement(role="admin", permission="org:articles:read")).allowed
    assert decide_access(stale, Requirement(feature="articles", plan="free_org")).allowed
    assert decide_access(stale, Requirement(role="member")).status == 403
    reverify = decide_access(stale, Requirement(reverification="strict"))
    assert reverify.reason == "reverification-error"


def test_a_requirement_grants_what_has_grants() -> None:
    """On the claim sets the Clerk JS cross-check generates, a route that asks a check lets in
    exactly the sessions whose ``has()`` grants it."""
    from tests.authorization.claim_sets import generate

    compared = 0
    for case in generate(seed=141, count=400):
        state = RequestState(
            AuthStatus.SIGNED_IN, None, "token", case.claims, TokenType.SESSION_TOKEN
        )
        auth = state.to_auth(treat_pending_as_signed_out=case.pending)
        for check in case.checks:
            if not check:
                continue  # nothing asked: has() grants nothing, a route lets any session in
            requirement = Requirement(**check, treat_pending_as_signed_out=case.pending)
            assert decide_access(state, requirement).allowed is auth.has(**check), (case, check)
            compared += 1
    assert compared > 3000


HEADER_TEXT = st.text(st.characters(codec="latin-1"), max_size=60)


# authenticate keeps no state between examples (its event loop only runs each call).
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    authorization=HEADER_TEXT,
    cookie=HEADER_TEXT,
    token_claims=st.dictionaries(
        st.sampled_from(["v", "o", "fea", "pla", "fva", "sts", "org_id"]),
        st.none() | st.integers() | st.text(max_size=6) | st.lists(st.integers(), max_size=3),
    ),
)
def test_nothing_a_request_carries_makes_it_raise(
    authenticate: Authenticate, authorization: str, cookie: str, token_claims: dict[str, Any]
) -> None:
    requirement = Requirement(role="admin", feature="a", reverification="strict")
    for headers in (
        {"Authorization": authorization, "Cookie": cookie},
        {"Authorization": f"Bearer {sign(session_claims(**token_claims))}"},
        {"Cookie": f"__session={sign(session_claims(**token_claims))}; __client_uat={cookie}"},
    ):
        decision = decide_access(authenticate(headers), requirement)
        assert decision.status in (200, 401, 403)  # with a key to verify with: never 503
