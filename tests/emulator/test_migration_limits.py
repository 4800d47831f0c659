"""What a migration meets on a real instance: list filters capped at 100 values, a full
development instance, the instance's environment, and reserved identifiers."""

from __future__ import annotations

import pytest

from clerk_async.emulator import ClerkEmulator

from .support import Api


@pytest.mark.parametrize("name", ["external_id", "email_address", "user_id", "username"])
async def test_a_list_filter_takes_at_most_100_values(api: Api, name: str) -> None:
    values = [f"value{i}@example.com" for i in range(101)]
    for path in ("/users", "/users/count"):
        over = await api.get(path, **{name: values})
        assert over.status == 422, over
        assert over.code == "form_param_value_invalid"
        assert over.param == name
        assert (await api.get(path, **{name: values[:100]})).status == 200


async def test_100_external_ids_find_every_user_with_limit_100(api: Api) -> None:
    for index in range(12):
        await api.user(external_id=f"ext-{index}", email_address=[f"u{index}@example.com"])
    ids = [f"ext-{index}" for index in range(100)]
    default_page = await api.get("/users", external_id=ids)
    assert len(default_page.body) == 10  # Clerk's default limit: a lookup must pass limit=100
    full = await api.get("/users", external_id=ids, limit=100)
    assert sorted(user["external_id"] for user in full.body) == sorted(ids[:12])


async def test_a_development_instance_holds_a_capped_number_of_users(
    api: Api, emu: ClerkEmulator
) -> None:
    emu.user_limit = 2
    await api.user(email_address=["one@example.com"])
    await api.user(email_address=["two@example.com"])
    full = await api.post("/users", {"email_address": ["three@example.com"]})
    assert full.status == 403
    assert full.code == "user_quota_exceeded"
    assert "limit of 2 users" in full.body["errors"][0]["long_message"]
    assert (await api.get("/users/count")).body["total_count"] == 2
    emu.reset()
    assert emu.user_limit == 2  # a knob: it survives reset
    emu.user_limit = None
    assert (await api.post("/users", {"email_address": ["three@example.com"]})).status == 200


async def test_the_instance_says_whether_it_is_production(api: Api, emu: ClerkEmulator) -> None:
    instance = await api.get("/instance")
    assert instance.status == 200
    assert instance.body["environment_type"] == "development"
    assert instance.body["id"] == emu.emulator.instance_id
    with ClerkEmulator(secret_key="sk_live_emulator_x", rate_limit=None) as live:
        client = live.sync_client()
        assert client.instance_settings.get().environment_type == "production"
        client.close()


async def test_a_reserved_identifier_is_not_verified_yet_taken(api: Api) -> None:
    user = await api.user(
        email_address=["keep@example.com"],
        email_address_identification_status=["reserved"],
        phone_number=["+14155550101"],
        phone_number_identification_status=["reserved"],
    )
    assert user["email_addresses"][0]["reserved"] is True
    assert user["phone_numbers"][0]["reserved"] is True
    assert user["phone_numbers"][0]["verification"] is None
    taken = await api.post("/users", {"email_address": ["keep@example.com"]})
    assert taken.status == 422
    assert taken.code == "form_identifier_exists"
    found = await api.get("/users", email_address=["keep@example.com"])
    assert [each["id"] for each in found.body] == [user["id"]]
