"""Authentication, rate limiting, unknown routes and the control endpoints."""

from __future__ import annotations

import time

import pytest

from clerk_async import (
    BackoffStrategy,
    Clerk,
    MissingSecretKeyError,
    RateLimitError,
    RetryConfig,
)
from clerk_async.emulator import ClerkEmulator, RateLimit
from clerk_async.emulator.ratelimit import TokenBucket, parse_rate_limit

from .support import Api

FAST = RetryConfig("backoff", BackoffStrategy(10, 50, 2.0, 10_000), True, max_retries=3)


async def test_requests_need_the_secret_key(api: Api) -> None:
    missing = await api.request("GET", "/users", headers={})
    wrong = await api.request("GET", "/users", headers={"Authorization": "Bearer sk_test_other"})
    basic = await api.request("GET", "/users", headers={"Authorization": "Basic abc"})

    assert (missing.status, missing.code) == (401, "authentication_invalid")
    assert (wrong.status, wrong.code) == (401, "clerk_key_invalid")
    assert basic.status == 401
    assert set(missing.body) == {"errors", "clerk_trace_id"}
    assert set(missing.body["errors"][0]) == {"code", "message", "long_message", "meta"}


async def test_the_public_interstitial_needs_no_key(
    emu: ClerkEmulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    anonymous = await api.request("GET", "/public/interstitial?frontend_api=x", headers={})

    async with Clerk(server_url=emu.url) as clerk:
        await clerk.misc.get_public_interstitial(frontend_api="example.clerk.accounts.dev")
        with pytest.raises(MissingSecretKeyError):
            await clerk.users.get("user_1")

    assert anonymous.status == 200


async def test_unknown_routes_answer_404(api: Api) -> None:
    unknown = await api.get("/no_such_thing")
    outside = await api.request("GET", "/../nothing")

    assert (unknown.status, unknown.code) == (404, "resource_not_found")
    assert outside.status in (401, 404)


async def test_ids_are_matched_as_whole_path_segments(api: Api) -> None:
    reply = await api.request("GET", "/users/user%2F..%2Fcount")
    assert (reply.status, reply.code) == (404, "resource_not_found")


async def test_rate_limit_answers_429_with_retry_after(emu: ClerkEmulator, api: Api) -> None:
    emu.rate_limit = "5/10s"

    statuses = [(await api.get("/users")).status for _ in range(5)]
    limited = await api.get("/users")

    assert statuses == [200] * 5
    assert (limited.status, limited.code) == (429, "too_many_requests")
    assert limited.headers["Retry-After"] == "2"
    assert limited.body["errors"][0]["meta"] == {"retry_after": 2}
    unauthenticated = await api.request("GET", "/users", headers={})
    assert unauthenticated.status == 401

    emu.rate_limit = None
    assert (await api.get("/users")).status == 200


async def test_the_client_gives_up_when_told_to(emu: ClerkEmulator) -> None:
    emu.rate_limit = "1/10s"
    async with emu.client(retry_config=FAST) as clerk:
        await clerk.users.count()
        with pytest.raises(RateLimitError) as caught:
            await clerk.users.count(retries=None)
    assert caught.value.retry_after == 10


def test_token_bucket_refills_continuously() -> None:
    now = [0.0]
    bucket = TokenBucket(RateLimit(2, 10.0), clock=lambda: now[0])
    assert bucket.take() is None
    assert bucket.take() is None
    assert bucket.take() == pytest.approx(5.0)
    now[0] = 4.0
    assert bucket.take() == pytest.approx(1.0)
    now[0] = 5.0
    assert bucket.take() is None
    assert TokenBucket.retry_after(0.01) == "1"
    assert TokenBucket.retry_after(4.2) == "5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100/10s", RateLimit(100, 10.0)),
        ("1000/10s", RateLimit(1000, 10.0)),
        ("5/s", RateLimit(5, 1.0)),
        ("60/1m", RateLimit(60, 60.0)),
        ("10/500ms", RateLimit(10, 0.5)),
        ("off", None),
        (None, None),
    ],
)
def test_parse_rate_limit(text: str | None, expected: RateLimit | None) -> None:
    assert parse_rate_limit(text) == expected


def test_parse_rate_limit_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        parse_rate_limit("fast")
    with pytest.raises(ValueError):
        parse_rate_limit("0/10s")


async def test_control_endpoints(emu: ClerkEmulator, api: Api) -> None:
    await api.user()
    base = emu.origin + "/__emulator"

    async with api.session.get(base + "/health") as response:
        assert (response.status, await response.json()) == (200, {"status": "ok"})
    async with api.session.get(base + "/config") as response:
        assert response.status == 401
    async with api.session.get(base + "/config", headers=api.headers) as response:
        config = await response.json()
    assert config["rate_limit"] == "off"
    assert config["responses"]["200"] >= 1

    async with api.session.put(
        base + "/rate_limit", json={"rate_limit": "1000/10s"}, headers=api.headers
    ) as response:
        assert (await response.json())["rate_limit"] == "1000/10s"
    assert emu.rate_limit == RateLimit(1000, 10.0)
    async with api.session.put(
        base + "/faults", json={"latency": 0.01, "methods": ["GET"]}, headers=api.headers
    ) as response:
        assert (await response.json())["faults"]["latency"] == 0.01
    assert emu.faults.latency == 0.01
    async with api.session.put(
        base + "/faults", json={"error_rate": 2}, headers=api.headers
    ) as response:
        assert response.status == 422
    async with api.session.delete(base + "/faults", headers=api.headers) as response:
        assert response.status == 200
    assert not emu.faults.enabled
    async with api.session.post(base + "/reset", headers=api.headers) as response:
        assert response.status == 200
    assert emu.state.users.users == {}


async def test_an_operations_own_limit_answers_429_besides_the_instances(
    emu: ClerkEmulator, api: Api
) -> None:
    emu.endpoint_limits = {"POST /organizations/{organization_id}/invitations": "2/10s"}
    org = await api.post("/organizations", {"name": "Acme", "created_by": None})
    assert org.status == 200, org
    path = f"/organizations/{org.body['id']}/invitations"

    statuses = [
        (await api.post(path, {"email_address": f"a{n}@example.com", "role": "org:member"})).status
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert (await api.get("/users")).status == 200  # other operations are not held back
    with pytest.raises(ValueError, match="'POST /nowhere' is no route"):
        emu.endpoint_limits = {"POST /nowhere": "1/1h"}


async def test_arrivals_list_each_request_in_order(emu: ClerkEmulator, api: Api) -> None:
    await api.get("/users")
    await api.request("GET", "/users/count", headers={})

    arrivals = emu.arrivals
    assert [(a.method, a.path, a.status) for a in arrivals] == [
        ("GET", "/v1/users", 200),
        ("GET", "/v1/users/count", 401),
    ]
    assert arrivals[0].at <= arrivals[1].at
    emu.reset()
    assert emu.arrivals == []


async def test_the_requests_control_endpoint_lists_arrivals_429s_included(
    emu: ClerkEmulator, api: Api
) -> None:
    base = emu.origin + "/__emulator/requests"
    emu.rate_limit = "1/10s"
    before = time.monotonic()
    await api.user()
    async with api.session.get(emu.url + "/users", headers=api.headers) as response:
        assert response.status == 429
    async with api.session.get(base, headers=api.headers) as response:
        logged = (await response.json())["requests"]
    assert [entry[1:] for entry in logged] == [
        ["POST", "/v1/users", 200],
        ["GET", "/v1/users", 429],  # refused by the limit: logged too, when it came in
    ]
    assert before <= logged[0][0] <= logged[1][0] <= time.monotonic()
    async with api.session.delete(base, headers=api.headers) as response:
        assert len((await response.json())["requests"]) == 2
    assert emu.arrivals == []
