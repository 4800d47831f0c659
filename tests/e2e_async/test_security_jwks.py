"""Session tokens verified with the JWKS fetched through the client: one cache per client, the
whole set for 5 minutes, refetches single-flight and rate-limited, a bounded fetch, typed
failures."""

from __future__ import annotations

from typing import Any

import pytest

from clerk_async import Clerk, RetryConfig
from clerk_async.security import (
    AuthenticateRequestOptions,
    AuthErrorReason,
    TokenVerificationError,
    VerifyTokenOptions,
    authenticate_request,
    verify_token,
)
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.flavour_async import run_concurrently
from tests.support.server import SECRET_KEY, Reply, ScriptedServer, clerk_error
from tests.support.tokens import (
    KID,
    FakeClock,
    JwksCache,
    ec_key,
    jwk_of,
    jwks_of,
    rsa_key,
    session_claims,
    sign,
)

JWKS_PATH = "/v1/jwks"
#: A JWKS answer nested thousands of levels deep: any recursive JSON decoder's stack runs out.
DEEP_JSON = b'{"keys":[],"x":' + b"[" * 5000 + b"]" * 5000 + b"}"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _serve_keys(server: ScriptedServer, *pairs: tuple[Any, str]) -> None:
    server.script("GET", JWKS_PATH, Reply(json=jwks_of(*pairs)))


def _fetches(server: ScriptedServer) -> int:
    return len(server.requests_to("GET", JWKS_PATH))


def _clocked(client: Clerk) -> FakeClock:
    """Give the client's JWKS cache a clock the test moves."""
    clock = FakeClock()
    client._token_verifier._jwks = JwksCache(clock)
    return clock


async def test_a_token_verifies_with_the_jwks_fetched_through_the_client(
    client: Clerk, server: ScriptedServer
) -> None:
    _serve_keys(server, (rsa_key(), KID))

    state = await client.authenticate_request(_bearer(sign()))
    claims = await client.verify_token(sign())

    assert state.is_signed_in, state.reason
    assert claims["sub"] == "user_2abc"
    (fetch,) = server.requests_to("GET", JWKS_PATH)
    assert fetch.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert fetch.headers["Clerk-API-Version"] == "2026-05-12"


async def test_the_whole_set_is_cached_and_the_warm_path_makes_no_call(
    client: Clerk, server: ScriptedServer
) -> None:
    pairs = [(rsa_key("a"), "kid_a"), (rsa_key("b"), "kid_b"), (rsa_key("c"), "kid_c")]
    _serve_keys(server, *pairs)
    tokens = [sign(key=key, kid=kid) for key, kid in pairs]

    for _ in range(30):
        for token in tokens:
            assert (await client.authenticate_request(_bearer(token))).is_signed_in

    assert _fetches(server) == 1  # one fetch for the three keys, none after
    assert len(server.received) == 1


async def test_the_set_expires_after_five_minutes(client: Clerk, server: ScriptedServer) -> None:
    clock = _clocked(client)
    _serve_keys(server, (rsa_key(), KID))
    await client.verify_token(sign())
    clock.advance(299)
    await client.verify_token(sign())
    assert _fetches(server) == 1
    clock.advance(2)
    await client.verify_token(sign())
    assert _fetches(server) == 2


async def test_an_unknown_kid_refetches_once_per_cooldown(
    client: Clerk, server: ScriptedServer
) -> None:
    clock = _clocked(client)
    _serve_keys(server, (rsa_key(), KID))
    await client.verify_token(sign())

    for index in range(5):
        state = await client.authenticate_request(_bearer(sign(kid=f"ins_unknown_{index}")))
        assert state.reason is Reason.JWK_KID_MISMATCH
    assert _fetches(server) == 2  # the first load, and one refetch for the five unknown kids

    clock.advance(31)
    await client.authenticate_request(_bearer(sign(kid="ins_unknown_again")))
    assert _fetches(server) == 3


async def test_a_key_rotated_under_the_same_kid_right_after_the_first_load_is_picked_up(
    client: Clerk, server: ScriptedServer
) -> None:
    old, new = rsa_key("old"), rsa_key("new")
    server.script(
        "GET", JWKS_PATH, Reply(json=jwks_of((old, KID))), Reply(json=jwks_of((new, KID)))
    )
    assert (await client.authenticate_request(_bearer(sign(key=old)))).is_signed_in

    state = await client.authenticate_request(_bearer(sign(key=new)))

    assert state.is_signed_in, state.reason
    assert _fetches(server) == 2
    # That refetch started the cooldown: a forged token now costs no call.
    forged = await client.authenticate_request(_bearer(sign(key=rsa_key("forger"))))
    assert forged.reason is Reason.TOKEN_INVALID_SIGNATURE
    assert _fetches(server) == 2


async def test_many_concurrent_forged_tokens_cause_at_most_one_fetch(
    client: Clerk, server: ScriptedServer
) -> None:
    _serve_keys(server, (rsa_key(), KID))
    await client.verify_token(sign())
    forged = sign(key=rsa_key("forger"))

    states = await run_concurrently(
        [lambda: client.authenticate_request(_bearer(forged)) for _ in range(200)]
    )

    assert {state.reason for state in states} == {Reason.TOKEN_INVALID_SIGNATURE}
    assert _fetches(server) == 2  # the first load and a single refetch


async def test_many_concurrent_requests_on_a_cold_cache_cause_exactly_one_fetch(
    client: Clerk, server: ScriptedServer
) -> None:
    # The answer takes a while, so that every request is waiting for it (single flight): none
    # may fetch again once it came, though the first load leaves a refetch allowed.
    server.script("GET", JWKS_PATH, Reply(json=jwks_of((rsa_key(), KID)), delay=0.5))
    token = sign()

    states = await run_concurrently(
        [lambda: client.authenticate_request(_bearer(token)) for _ in range(50)]
    )

    assert all(state.is_signed_in for state in states), {state.reason for state in states}
    assert _fetches(server) == 1


async def test_a_hung_jwks_endpoint_costs_a_bounded_time(server: ScriptedServer) -> None:
    server.script("GET", JWKS_PATH, Reply(json=jwks_of((rsa_key(), KID)), delay=2.0))
    async with Clerk(
        bearer_auth=SECRET_KEY,
        server_url=server.url,
        timeout_ms=300,
        retry_config=RetryConfig("none"),
    ) as client:
        # Waited out, the key set would come after 2 s and sign the request in.
        state = await client.authenticate_request(_bearer(sign()))
        # A request just after a failed load fails at once, without another fetch.
        again = await client.authenticate_request(_bearer(sign()))

    assert state.reason is Reason.JWK_FAILED_TO_LOAD
    assert again.reason is Reason.JWK_FAILED_TO_LOAD
    assert _fetches(server) == 1


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(json={"keys": []}), Reason.JWK_REMOTE_INVALID),
        (Reply(json={}), Reason.JWK_REMOTE_INVALID),
        (
            Reply(body=b"<html>oops</html>", headers={"Content-Type": "text/html"}),
            Reason.JWK_FAILED_TO_LOAD,
        ),
        (Reply(json={"keys": "many"}), Reason.JWK_FAILED_TO_LOAD),
        (
            Reply(body=DEEP_JSON, headers={"Content-Type": "application/json"}),
            Reason.JWK_FAILED_TO_LOAD,
        ),
        (clerk_error(500, "internal_clerk_error", "boom"), Reason.JWK_FAILED_TO_LOAD),
        (clerk_error(401, "authentication_invalid", "bad key"), Reason.SECRET_KEY_INVALID),
        (
            Reply(
                json={
                    "keys": [
                        {**jwk_of(rsa_key()), "kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}
                    ]
                }
            ),
            Reason.JWK_FAILED_TO_RESOLVE,
        ),
        (
            Reply(json={"keys": [{**jwk_of(rsa_key()), "n": "not*base64"}]}),
            Reason.JWK_FAILED_TO_RESOLVE,
        ),
        (Reply(json={"keys": [{**jwk_of(rsa_key()), "n": "AQAB"}]}), Reason.JWK_FAILED_TO_RESOLVE),
        (Reply(json={"keys": [jwk_of(rsa_key("other"), "ins_other")]}), Reason.JWK_KID_MISMATCH),
    ],
)
async def test_a_bad_jwks_answer_is_a_typed_reason(
    reply: Reply, reason: Reason, client: Clerk, server: ScriptedServer
) -> None:
    server.script("GET", JWKS_PATH, reply)

    state = await client.authenticate_request(_bearer(sign()))
    with pytest.raises(TokenVerificationError) as caught:
        await client.verify_token(sign())

    assert state.reason is reason
    assert caught.value.reason is reason
    error = caught.value  # no chained exception (a raw ValueError, a body) shows through
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


async def test_an_ec_key_in_the_set_does_not_spoil_the_rsa_key(
    client: Clerk, server: ScriptedServer
) -> None:
    ec = {"kid": "ins_ec", "kty": "EC", "alg": "ES256", "use": "sig", "crv": "P-256"}
    numbers = ec_key().public_key().public_numbers()
    ec.update(x=str(numbers.x), y=str(numbers.y))
    server.script("GET", JWKS_PATH, Reply(json={"keys": [ec, jwk_of(rsa_key())]}))
    assert (await client.authenticate_request(_bearer(sign()))).is_signed_in


async def test_each_client_has_its_own_cache(server: ScriptedServer) -> None:
    """Another instance's token, with the same kid, does not verify against this one's key."""
    _serve_keys(server, (rsa_key("instance_a"), KID))
    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url) as instance_a:
        theirs = sign(key=rsa_key("instance_b"))
        state = await instance_a.authenticate_request(_bearer(theirs))
    assert state.reason is Reason.TOKEN_INVALID_SIGNATURE


async def test_a_client_without_a_secret_key_says_so_without_a_call(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    async with Clerk(server_url=server.url) as client:
        state = await client.authenticate_request(_bearer(sign()))
        with pytest.raises(TokenVerificationError) as caught:
            await client.verify_token(sign())
    assert state.reason is AuthErrorReason.SECRET_KEY_MISSING
    assert caught.value.reason is Reason.SECRET_KEY_MISSING
    assert server.received == []


async def test_options_on_a_client(client: Clerk, server: ScriptedServer) -> None:
    _serve_keys(server, (rsa_key(), KID))
    same_key = AuthenticateRequestOptions(secret_key=SECRET_KEY, authorized_parties=["https://x"])
    state = await client.authenticate_request(_bearer(sign()), same_key)
    assert state.reason is Reason.TOKEN_INVALID_AUTHORIZED_PARTIES
    with pytest.raises(ValueError, match="not this client's key"):
        await client.authenticate_request(
            _bearer(sign()), AuthenticateRequestOptions(secret_key="sk_other")
        )
    with pytest.raises(TypeError):
        await client.verify_token(sign(), AuthenticateRequestOptions())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await client.authenticate_request(42)


async def test_a_jwt_key_on_a_client_makes_no_call(client: Clerk, server: ScriptedServer) -> None:
    from tests.support.tokens import pem_of

    options = VerifyTokenOptions(jwt_key=pem_of(rsa_key()))
    for _ in range(10):
        assert (await client.verify_token(sign(), options))["sub"] == "user_2abc"
    assert server.received == []


async def test_the_module_functions_fetch_with_a_secret_key(server: ScriptedServer) -> None:
    _serve_keys(server, (rsa_key(), KID))
    api_url = server.url.removesuffix("/v1")
    options = VerifyTokenOptions(secret_key=SECRET_KEY, api_url=api_url, api_version="v1")

    for _ in range(5):
        assert (await verify_token(sign(), options))["sub"] == "user_2abc"
    request_options = AuthenticateRequestOptions(secret_key=SECRET_KEY, api_url=api_url)
    state = await authenticate_request(_bearer(sign()), request_options)

    assert state.is_signed_in, state.reason
    assert _fetches(server) == 1  # one cache per instance for the module-level functions too
    assert server.received[0].headers["Authorization"] == f"Bearer {SECRET_KEY}"


async def test_an_expired_token_is_expired_with_the_jwks_too(
    client: Clerk, server: ScriptedServer
) -> None:
    _serve_keys(server, (rsa_key(), KID))
    expired = sign(session_claims(exp=100, iat=50, nbf=50))
    assert (await client.authenticate_request(_bearer(expired))).reason is Reason.TOKEN_EXPIRED


async def test_a_client_with_a_rotating_key_source_fetches_with_the_current_key(
    server: ScriptedServer,
) -> None:
    _serve_keys(server, (rsa_key(), KID))
    async with Clerk(bearer_auth=lambda: SECRET_KEY, server_url=server.url) as client:
        state = await client.authenticate_request(_bearer(sign()))
    assert state.is_signed_in, state.reason
    assert server.received[0].headers["Authorization"] == f"Bearer {SECRET_KEY}"


FAILURES = {
    "500": clerk_error(500, "internal_clerk_error", "boom"),
    "timeout": Reply(json=jwks_of((rsa_key(), KID)), delay=1.0),
}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_an_expired_set_keeps_verifying_while_clerk_fails_to_serve_a_new_one(
    failure: str, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("GET", JWKS_PATH, Reply(json=jwks_of((rsa_key(), KID))), FAILURES[failure])
    async with Clerk(
        bearer_auth=SECRET_KEY,
        server_url=server.url,
        timeout_ms=200,
        retry_config=RetryConfig("none"),
    ) as client:
        clock = _clocked(client)
        assert (await client.authenticate_request(_bearer(sign()))).is_signed_in
        clock.advance(301)  # the set expired: the next request loads it again, and that fails

        with caplog.at_level("WARNING", logger="clerk.security"):
            states = [await client.authenticate_request(_bearer(sign())) for _ in range(3)]
            clock.advance(40)  # past the retry interval: one more failed attempt
            states.append(await client.authenticate_request(_bearer(sign())))
            stranger = await client.authenticate_request(_bearer(sign(kid="ins_rotated_in")))

    assert all(state.is_signed_in for state in states), [state.reason for state in states]
    assert _fetches(server) == 3  # the first load, then one attempt per 30 s, not per request
    # A kid the old set lacks may be a key rotated in during the outage: it cannot vouch for it.
    assert stranger.reason is Reason.JWK_FAILED_TO_LOAD
    warnings = [record for record in caplog.records if record.name == "clerk.security"]
    assert len(warnings) == 1, [record.getMessage() for record in warnings]  # once per outage
    assert "jwk-failed-to-load" in warnings[0].getMessage()
    assert SECRET_KEY not in warnings[0].getMessage()


async def test_the_stale_set_is_bounded_and_its_window_configurable(
    client: Clerk, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = _clocked(client)
    broken = clerk_error(500, "internal_clerk_error", "boom")
    server.script("GET", JWKS_PATH, Reply(json=jwks_of((rsa_key(), KID))), broken)
    ten_minutes = AuthenticateRequestOptions(jwks_stale_if_error_in_ms=600_000)
    assert (await client.authenticate_request(_bearer(sign()), ten_minutes)).is_signed_in

    with caplog.at_level("WARNING", logger="clerk.security"):
        clock.advance(301)
        served = await client.authenticate_request(_bearer(sign()), ten_minutes)
        clock.advance(600)  # 5 + 10 minutes after the load: the window is over
        late = await client.authenticate_request(_bearer(sign()), ten_minutes)

    assert served.is_signed_in, served.reason
    assert late.reason is Reason.JWK_FAILED_TO_LOAD
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2 and "refused" in messages[1], messages


async def test_a_zero_window_serves_no_stale_set(client: Clerk, server: ScriptedServer) -> None:
    clock = _clocked(client)
    broken = clerk_error(500, "internal_clerk_error", "boom")
    server.script("GET", JWKS_PATH, Reply(json=jwks_of((rsa_key(), KID))), broken)
    no_stale = AuthenticateRequestOptions(jwks_stale_if_error_in_ms=0)
    assert (await client.authenticate_request(_bearer(sign()), no_stale)).is_signed_in
    clock.advance(301)
    refused = await client.authenticate_request(_bearer(sign()), no_stale)
    with pytest.raises(TokenVerificationError) as caught:
        await client.verify_token(sign(), VerifyTokenOptions(jwks_stale_if_error_in_ms=0))
    assert refused.reason is caught.value.reason is Reason.JWK_FAILED_TO_LOAD


async def test_a_successful_load_ends_the_outage_and_a_new_one_warns_again(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    good, broken = Reply(json=jwks_of((rsa_key(), KID))), clerk_error(503, "down", "down")
    server.script("GET", JWKS_PATH, good, broken, good, broken)
    async with Clerk(
        bearer_auth=SECRET_KEY, server_url=server.url, retry_config=RetryConfig("none")
    ) as client:
        clock = _clocked(client)
        with caplog.at_level("WARNING", logger="clerk.security"):
            for _ in range(4):  # load, fail (stale), load (fresh again), fail (stale)
                assert (await client.authenticate_request(_bearer(sign()))).is_signed_in
                clock.advance(301)
    assert len([r for r in caplog.records if r.name == "clerk.security"]) == 2
