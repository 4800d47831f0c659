"""Machines, API keys, M2M and OAuth access tokens on the wire: shapes, who may call what, the
lists, and expiry on the emulator's clock (each 2xx body is checked against the generated model)."""

from __future__ import annotations

import re
from typing import Any

from clerk_async.emulator import ClerkEmulator

from .support import Api, Reply

HEX_ID = {"api_key": r"ak_[0-9a-f]{32}", "m2m": r"mt_[0-9a-f]{32}", "oauth": r"oat_[0-9a-f]{32}"}


async def _machine(api: Api, name: str, **fields: Any) -> dict[str, Any]:
    reply = await api.post("/machines", {"name": name, **fields})
    assert reply.status == 200, reply
    result: dict[str, Any] = reply.body
    return result


def _as(api: Api, secret: str) -> Api:
    """The same client, sending another bearer key."""
    other = Api(api.emulator, api.session)
    other.headers = {"Authorization": "Bearer " + secret}
    return other


def _error(reply: Reply) -> tuple[int, str | None]:
    return reply.status, reply.code


# -- machines ----------------------------------------------------------------------------------


async def test_machines_their_scopes_and_secret_keys(api: Api) -> None:
    api_machine = await _machine(api, "api")
    worker = await _machine(api, "worker", scoped_machines=[api_machine["id"]])
    assert re.fullmatch(r"mch_\w{27}", worker["id"])
    assert worker["secret_key"].startswith("ak_") and worker["default_token_ttl"] == 3600
    assert [m["id"] for m in worker["scoped_machines"]] == [api_machine["id"]]

    listed = await api.get("/machines", order_by="name")
    assert [m["name"] for m in listed.body["data"]] == ["api", "worker"]
    assert listed.body["total_count"] == 2
    secret = await api.get(f"/machines/{worker['id']}/secret_key")
    assert secret.body == {"object": "machine_secret_key", "secret": worker["secret_key"]}

    scope = await api.post(f"/machines/{api_machine['id']}/scopes", {"to_machine_id": worker["id"]})
    assert scope.body["from_machine_id"] == api_machine["id"]
    again = await api.post(f"/machines/{api_machine['id']}/scopes", {"to_machine_id": worker["id"]})
    assert again.status == 409
    gone = await api.delete(f"/machines/{api_machine['id']}/scopes/{worker['id']}")
    assert gone.body["deleted"] is True
    renamed = await api.patch(
        f"/machines/{worker['id']}", {"name": "cron", "default_token_ttl": 60}
    )
    assert (renamed.body["name"], renamed.body["default_token_ttl"]) == ("cron", 60)

    deleted = await api.delete(f"/machines/{api_machine['id']}")
    assert deleted.body == {"object": "machine", "id": api_machine["id"], "deleted": True}
    assert (await api.get(f"/machines/{worker['id']}")).body["scoped_machines"] == []
    assert (await api.get(f"/machines/{api_machine['id']}")).status == 404


async def test_a_rotated_machine_key_keeps_working_for_its_grace_period(
    api: Api, emu: ClerkEmulator
) -> None:
    worker = await _machine(api, "worker")
    old = worker["secret_key"]
    rotated = await api.post(
        f"/machines/{worker['id']}/secret_key/rotate", {"previous_token_ttl": 60}
    )
    new = rotated.body["secret"]
    assert new != old

    assert (await _as(api, old).get("/m2m_tokens", subject=worker["id"])).status == 200
    emu.advance_clock(60)
    assert _error(await _as(api, old).get("/m2m_tokens", subject=worker["id"])) == (
        401,
        "clerk_key_invalid",
    )
    assert (await _as(api, new).get("/m2m_tokens", subject=worker["id"])).status == 200


async def test_a_machine_key_opens_only_the_m2m_token_operations(api: Api) -> None:
    worker = await _machine(api, "worker")
    reply = await _as(api, worker["secret_key"]).get("/users")
    assert _error(reply) == (401, "clerk_key_invalid")


# -- API keys ----------------------------------------------------------------------------------


async def test_api_keys_from_creation_to_deletion(api: Api, emu: ClerkEmulator) -> None:
    user = await api.user(email_address=["ada@example.com"])
    created = await api.post(
        "/api_keys",
        {"name": "ci-bot", "subject": user["id"], "scopes": ["read"], "created_by": user["id"]},
    )
    assert created.status == 200, created
    key = created.body
    assert re.fullmatch(HEX_ID["api_key"], key["id"]) and key["secret"].startswith("ak_")
    assert (key["revoked"], key["expired"], key["expiration"]) == (False, False, None)

    fetched = await api.get(f"/api_keys/{key['id']}")
    assert "secret" not in fetched.body and fetched.body["name"] == "ci-bot"
    assert (await api.get(f"/api_keys/{key['id']}/secret")).body == {"secret": key["secret"]}
    updated = await api.patch(
        f"/api_keys/{key['id']}", {"scopes": ["write"], "seconds_until_expiration": 10}
    )
    assert updated.body["scopes"] == ["write"]
    assert updated.body["expiration"] - updated.body["updated_at"] == 10_000

    listed = await api.get("/api_keys", subject=user["id"])
    assert [k["id"] for k in listed.body["data"]] == [key["id"]]
    emu.advance_clock(10)
    assert (await api.get("/api_keys", subject=user["id"])).body["data"] == []
    everything = await api.get("/api_keys", subject=user["id"], include_invalid=True)
    assert everything.body["data"][0]["expired"] is True

    deleted = await api.delete(f"/api_keys/{key['id']}")
    assert deleted.body == {"id": key["id"], "object": "api_key", "deleted": True}
    assert _error(await api.post("/api_keys/verify", {"secret": key["secret"]})) == (
        404,
        "resource_not_found",
    )


async def test_verifying_an_api_key_says_why_it_fails(api: Api) -> None:
    user = await api.user(email_address=["grace@example.com"])
    key = (await api.post("/api_keys", {"name": "deploys", "subject": user["id"]})).body

    verified = await api.post("/api_keys/verify", {"secret": key["secret"]})
    assert verified.body["id"] == key["id"] and verified.body["last_used_at"] is not None

    revoked = await api.post(f"/api_keys/{key['id']}/revoke", {"revocation_reason": "leaked"})
    assert (revoked.body["revoked"], revoked.body["revocation_reason"]) == (True, "leaked")
    refused = await api.post("/api_keys/verify", {"secret": key["secret"]})
    assert _error(refused) == (404, "token_revoked")
    assert "leaked" in refused.body["errors"][0]["long_message"]
    assert key["secret"] not in str(refused.body)


async def test_api_key_parameters_are_checked_as_that_service_does(api: Api) -> None:
    user = await api.user(email_address=["lin@example.com"])
    for body, param in [
        ({"name": "ci-bot", "subject": "user_1"}, "subject"),
        ({"name": "ci-bot", "subject": "user_" + "a" * 27}, "subject"),  # no such user
        ({"name": "x", "subject": user["id"]}, "name"),
        ({"name": "ci-bot", "subject": user["id"], "seconds_until_expiration": 0}, "name"),
        ({"name": "ci-bot", "subject": user["id"], "colour": "red"}, "colour"),
    ]:
        reply = await api.post("/api_keys", body)
        assert _error(reply) == (400, "bad_request"), reply
        expected = "seconds_until_expiration" if "seconds_until_expiration" in body else param
        assert f"'body.{expected}'" in reply.body["errors"][0]["long_message"]
    assert _error(await api.get("/api_keys/ak_nope")) == (400, "bad_request")
    assert _error(await api.get("/api_keys", limit=5)) == (400, "bad_request")  # no subject
    assert _error(await api.get("/api_keys/ak_" + "0" * 32)) == (404, "resource_not_found")


# -- M2M tokens --------------------------------------------------------------------------------


async def test_m2m_tokens_are_minted_with_a_machine_key_only(api: Api) -> None:
    api_machine = await _machine(api, "api")
    worker = await _machine(api, "worker", scoped_machines=[api_machine["id"]])
    refused = await api.post("/m2m_tokens", {})
    assert _error(refused) == (400, "machine_secret_key_required")

    minted = await _as(api, worker["secret_key"]).post("/m2m_tokens", {"claims": {"a": 1}})
    assert minted.status == 201, minted
    token = minted.body
    assert re.fullmatch(HEX_ID["m2m"], token["id"]) and token["token"].startswith("mt_")
    assert (token["subject"], token["scopes"]) == (worker["id"], [api_machine["id"]])
    assert token["expiration"] - token["created_at"] == 3600_000  # the machine's default TTL


async def test_m2m_tokens_listed_revoked_and_verified_by_whom_they_reach(api: Api) -> None:
    api_machine = await _machine(api, "api")
    worker = await _machine(api, "worker", scoped_machines=[api_machine["id"]])
    as_worker, as_api = _as(api, worker["secret_key"]), _as(api, api_machine["secret_key"])
    first = (await as_worker.post("/m2m_tokens", {})).body
    second = (await as_worker.post("/m2m_tokens", {})).body

    mine = await as_worker.get("/m2m_tokens", subject=worker["id"])
    assert [t["id"] for t in mine.body["m2m_tokens"]] == [second["id"], first["id"]]
    assert "token" not in mine.body["m2m_tokens"][0]
    assert _error(await as_api.get("/m2m_tokens", subject=worker["id"])) == (
        403,
        "authorization_invalid",
    )

    assert (await as_api.post("/m2m_tokens/verify", {"token": first["token"]})).status == 200
    not_granted = await as_worker.post("/m2m_tokens/verify", {"token": first["token"]})
    assert _error(not_granted) == (404, "resource_not_found")
    assert _error(await as_api.post(f"/m2m_tokens/{first['id']}/revoke", {})) == (
        404,
        "resource_not_found",
    )

    revoked = await as_worker.post(f"/m2m_tokens/{first['id']}/revoke", {})
    assert revoked.body["revoked"] is True
    assert _error(await api.post("/m2m_tokens/verify", {"token": first["token"]})) == (
        404,
        "token_revoked",
    )
    still = await api.get("/m2m_tokens", subject=worker["id"], revoked=False)
    assert [t["id"] for t in still.body["m2m_tokens"]] == [second["id"]]


async def test_m2m_tokens_are_reused_while_they_last_long_enough(
    api: Api, emu: ClerkEmulator
) -> None:
    worker = await _machine(api, "worker")
    as_worker = _as(api, worker["secret_key"])
    ask = {"seconds_until_expiration": 300, "min_remaining_ttl_seconds": 240}
    first = (await as_worker.post("/m2m_tokens", ask)).body
    assert (await as_worker.post("/m2m_tokens", ask)).body["token"] == first["token"]
    emu.advance_clock(61)  # 239 s left: a fresh token
    assert (await as_worker.post("/m2m_tokens", ask)).body["token"] != first["token"]
    too_long = {"seconds_until_expiration": 60, "min_remaining_ttl_seconds": 60}
    assert _error(await as_worker.post("/m2m_tokens", too_long)) == (400, "bad_request")


# -- OAuth access tokens and the control endpoints ---------------------------------------------


async def test_oauth_tokens_minted_and_revoked_through_the_control_endpoints(
    api: Api, emu: ClerkEmulator
) -> None:
    user = await api.user(email_address=["ole@example.com"])
    base = emu.origin + "/__emulator/oauth_access_tokens"
    ask = {"user_id": user["id"], "client_id": "app_1", "scopes": ["email"]}
    async with api.session.post(base, json=ask, headers=api.headers) as response:
        minted = await response.json()
    assert re.fullmatch(HEX_ID["oauth"], minted["id"]) and minted["token"].startswith("oat_")

    for body in ({"access_token": minted["token"]}, {"secret": minted["token"]}):  # deprecated
        verified = await api.post("/oauth_applications/access_tokens/verify", body)
        assert (verified.body["subject"], verified.body["client_id"]) == (user["id"], "app_1")

    async with api.session.post(
        f"{base}/{minted['id']}/revoke", json={"revocation_reason": "bye"}, headers=api.headers
    ) as response:
        assert (await response.json())["revoked"] is True
    refused = await api.post(
        "/oauth_applications/access_tokens/verify", {"access_token": minted["token"]}
    )
    assert _error(refused) == (404, "token_revoked")
    async with api.session.post(
        base, json={"user_id": "user_nobody"}, headers=api.headers
    ) as response:
        assert response.status == 404


async def test_the_clock_control_endpoint_and_reset(api: Api, emu: ClerkEmulator) -> None:
    base = emu.origin + "/__emulator"
    async with api.session.post(
        base + "/clock", json={"freeze": True, "advance": 90}, headers=api.headers
    ) as response:
        clock = (await response.json())["clock"]
    assert (clock["frozen"], clock["offset"]) == (True, 90)
    async with api.session.post(
        base + "/clock", json={"advance": -1}, headers=api.headers
    ) as response:
        assert response.status == 422
    emu.reset()
    assert not emu.emulator.clock.frozen and emu.emulator.clock.offset == 0
