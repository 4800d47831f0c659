"""Users: the wire shape, uniqueness, validation, passwords, flags, metadata and images."""

from __future__ import annotations

import hashlib

import aiohttp
import bcrypt
import pytest

from .support import Api

USER_REQUIRED = {
    "id", "object", "username", "first_name", "last_name", "has_image",
    "primary_email_address_id", "primary_phone_number_id", "primary_web3_wallet_id",
    "password_enabled", "two_factor_enabled", "totp_enabled", "backup_code_enabled",
    "email_addresses", "phone_numbers", "web3_wallets", "passkeys", "external_accounts",
    "saml_accounts", "enterprise_accounts", "public_metadata", "external_id", "last_sign_in_at",
    "banned", "locked", "lockout_expires_in_seconds", "verification_attempts_remaining",
    "created_at", "updated_at", "delete_self_enabled", "create_organization_enabled",
    "last_active_at", "mfa_enabled_at", "mfa_disabled_at", "legal_accepted_at",
}  # fmt: skip


async def test_create_user_has_the_wire_shape(api: Api) -> None:
    user = await api.user(
        email_address=["Ada@Example.com", "ada2@example.com"],
        phone_number=["+15555550100"],
        username="ada_l",
        first_name="Ada",
        last_name="Lovelace",
        external_id="ext-1",
        public_metadata={"plan": "pro"},
        private_metadata={"stripe": "cus_1"},
        unsafe_metadata={"theme": "dark"},
    )

    assert user.keys() >= USER_REQUIRED
    assert user["object"] == "user"
    assert user["id"].startswith("user_")
    assert [e["email_address"] for e in user["email_addresses"]] == [
        "Ada@Example.com",
        "ada2@example.com",
    ]
    email = user["email_addresses"][0]
    assert email["id"].startswith("idn_")
    assert email["object"] == "email_address"
    assert email["verification"]["status"] == "verified"
    assert user["primary_email_address_id"] == email["id"]
    assert user["primary_phone_number_id"] == user["phone_numbers"][0]["id"]
    assert user["public_metadata"] == {"plan": "pro"}
    assert user["private_metadata"] == {"stripe": "cus_1"}
    assert user["password_enabled"] is False
    fetched = await api.get(f"/users/{user['id']}")
    assert fetched.status == 200
    assert fetched.body == user


async def test_reserved_identification_status(api: Api) -> None:
    user = await api.user(
        email_address=["a@example.com", "b@example.com"],
        email_address_identification_status=["verified", "reserved"],
    )
    first, second = user["email_addresses"]
    assert first["reserved"] is False and first["verification"]["status"] == "verified"
    assert second["reserved"] is True and second["verification"] is None

    mismatched = await api.post(
        "/users",
        {"email_address": ["c@example.com"], "email_address_identification_status": []},
    )
    assert mismatched.status == 200
    wrong = await api.post(
        "/users",
        {
            "email_address": ["d@example.com"],
            "email_address_identification_status": ["verified", "verified"],
        },
    )
    assert (wrong.status, wrong.code) == (422, "form_param_format_invalid")


@pytest.mark.parametrize(
    ("field", "first", "second"),
    [
        ("email_address", ["taken@example.com"], ["TAKEN@example.com"]),
        ("phone_number", ["+15555550111"], ["+15555550111"]),
        ("username", "taken_name", "Taken_Name"),
        ("external_id", "ext-42", "ext-42"),
    ],
)
async def test_taken_identifiers_answer_422(
    api: Api, field: str, first: object, second: object
) -> None:
    await api.user(**{field: first})

    reply = await api.post("/users", {field: second})

    assert reply.status == 422
    assert reply.code == "form_identifier_exists"
    assert reply.param == field
    assert reply.body["clerk_trace_id"]
    assert set(reply.body["errors"][0]) == {"code", "message", "long_message", "meta"}
    count = await api.get("/users/count")
    assert count.body == {"object": "total_count", "total_count": 1}


async def test_a_taken_identifier_on_update_answers_422(api: Api) -> None:
    await api.user(username="first_user", external_id="a")
    second = await api.user(username="second_user", external_id="b")

    username = await api.patch(f"/users/{second['id']}", {"username": "FIRST_USER"})
    external = await api.patch(f"/users/{second['id']}", {"external_id": "a"})
    same = await api.patch(f"/users/{second['id']}", {"username": "second_user"})

    assert (username.status, username.code, username.param) == (
        422,
        "form_identifier_exists",
        "username",
    )
    assert (external.status, external.param) == (422, "external_id")
    assert same.status == 200


async def test_duplicate_in_one_request_answers_422(api: Api) -> None:
    reply = await api.post("/users", {"email_address": ["x@example.com", "X@example.com"]})
    assert (reply.status, reply.code) == (422, "form_identifier_exists")
    assert (await api.get("/users/count")).body["total_count"] == 0


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"email_address": ["not-an-email"]}, "email_address"),
        ({"phone_number": ["5555550100"]}, "phone_number"),
        ({"username": "a b"}, "username"),
        ({"first_name": 12}, "first_name"),
        ({"public_metadata": "x"}, "public_metadata"),
        ({"email_address": "a@example.com"}, "email_address"),
        ({"created_at": "yesterday"}, "created_at"),
    ],
)
async def test_malformed_parameters_answer_422_naming_them(
    api: Api, body: dict[str, object], param: str
) -> None:
    reply = await api.post("/users", body)
    assert (reply.status, reply.code, reply.param) == (422, "form_param_format_invalid", param)


async def test_unknown_parameters_answer_422(api: Api) -> None:
    reply = await api.post("/users", {"email": "a@example.com"})
    assert (reply.status, reply.code, reply.param) == (422, "form_param_unknown", "email")


async def test_a_malformed_body_answers_400(api: Api) -> None:
    headers = {**api.headers, "Content-Type": "application/json"}
    broken = await api.request("POST", "/users", data=b"{not json", headers=headers)
    array = await api.request("POST", "/users", data=b"[1, 2]", headers=headers)

    assert (broken.status, broken.code) == (400, "request_body_invalid")
    assert (array.status, array.code) == (400, "request_body_invalid")


async def test_get_update_delete(api: Api) -> None:
    user = await api.user(first_name="Ada", last_name="Byron")

    updated = await api.patch(f"/users/{user['id']}", {"last_name": "Lovelace", "locale": "en"})
    assert updated.status == 200
    assert updated.body["last_name"] == "Lovelace"
    assert updated.body["first_name"] == "Ada"
    assert updated.body["updated_at"] >= user["updated_at"]
    cleared = await api.patch(f"/users/{user['id']}", {"first_name": None})
    assert cleared.body["first_name"] is None

    deleted = await api.delete(f"/users/{user['id']}")
    assert deleted.body == {"object": "user", "id": user["id"], "deleted": True}
    missing = await api.get(f"/users/{user['id']}")
    assert (missing.status, missing.code) == (404, "resource_not_found")
    again = await api.delete(f"/users/{user['id']}")
    assert again.status == 404


async def test_deleting_a_user_frees_its_identifiers(api: Api) -> None:
    user = await api.user(email_address=["reuse@example.com"], username="reuse")
    await api.delete(f"/users/{user['id']}")

    again = await api.post("/users", {"email_address": ["reuse@example.com"], "username": "reuse"})

    assert again.status == 200


async def test_update_primary_email(api: Api) -> None:
    user = await api.user(email_address=["one@example.com", "two@example.com"])
    second = user["email_addresses"][1]["id"]

    ok = await api.patch(f"/users/{user['id']}", {"primary_email_address_id": second})
    foreign = await api.patch(f"/users/{user['id']}", {"primary_email_address_id": "idn_nope"})

    assert ok.body["primary_email_address_id"] == second
    assert (foreign.status, foreign.param) == (422, "primary_email_address_id")


async def test_passwords_plaintext_and_checks(api: Api) -> None:
    user = await api.user(password="correct horse battery")
    assert user["password_enabled"] is True

    right = await api.post(
        f"/users/{user['id']}/verify_password", {"password": "correct horse battery"}
    )
    wrong = await api.post(f"/users/{user['id']}/verify_password", {"password": "nope"})
    assert right.body == {"verified": True}
    assert (wrong.status, wrong.code) == (422, "form_password_incorrect")

    short = await api.post("/users", {"password": "short"})
    pwned = await api.post("/users", {"password": "password1"})
    skipped = await api.post("/users", {"password": "short", "skip_password_checks": True})
    assert (short.status, short.code) == (422, "form_password_length_too_short")
    assert (pwned.status, pwned.code) == (422, "form_password_pwned")
    assert skipped.status == 200

    removed = await api.post(f"/users/{user['id']}/remove_password")
    assert removed.body["password_enabled"] is False
    unset = await api.post(f"/users/{user['id']}/verify_password", {"password": "x"})
    assert unset.status == 400


async def test_bcrypt_digest(api: Api) -> None:
    digest = bcrypt.hashpw(b"migrated-secret", bcrypt.gensalt(4)).decode()
    user = await api.user(password_digest=digest, password_hasher="bcrypt")

    right = await api.post(f"/users/{user['id']}/verify_password", {"password": "migrated-secret"})
    wrong = await api.post(f"/users/{user['id']}/verify_password", {"password": "other"})

    assert right.body == {"verified": True}
    assert wrong.status == 422


@pytest.mark.parametrize(
    ("hasher", "digest"),
    [
        ("sha256", hashlib.sha256(b"pw-123456").hexdigest()),
        ("md5", hashlib.md5(b"pw-123456").hexdigest()),
    ],
)
async def test_hex_digests(api: Api, hasher: str, digest: str) -> None:
    user = await api.user(password_digest=digest, password_hasher=hasher)
    reply = await api.post(f"/users/{user['id']}/verify_password", {"password": "pw-123456"})
    assert reply.body == {"verified": True}


async def test_bad_digests(api: Api) -> None:
    malformed = await api.post("/users", {"password_digest": "xyz", "password_hasher": "bcrypt"})
    unknown = await api.post("/users", {"password_digest": "xyz", "password_hasher": "rot13"})
    bad_argon = await api.post("/users", {"password_digest": "x", "password_hasher": "argon2id"})
    assert (malformed.status, malformed.param) == (422, "password_digest")
    assert (unknown.status, unknown.param) == (422, "password_hasher")
    assert (bad_argon.status, bad_argon.param) == (422, "password_digest")


async def test_ban_unban_lock_unlock(api: Api) -> None:
    user = await api.user()
    path = f"/users/{user['id']}"

    assert (await api.post(path + "/ban")).body["banned"] is True
    assert (await api.post(path + "/unban")).body["banned"] is False
    locked = (await api.post(path + "/lock")).body
    assert locked["locked"] is True and locked["lockout_expires_in_seconds"] > 0
    unlocked = (await api.post(path + "/unlock")).body
    assert unlocked["locked"] is False and unlocked["lockout_expires_in_seconds"] is None
    assert (await api.post("/users/user_missing/ban")).status == 404

    other = await api.user()
    banned = await api.post("/users/ban", {"user_ids": [user["id"], other["id"]]})
    assert [u["banned"] for u in banned.body] == [True, True]
    assert (await api.post("/users/unban", {"user_ids": []})).status == 422


async def test_update_metadata_deep_merges_and_null_deletes(api: Api) -> None:
    user = await api.user(
        public_metadata={"a": 1, "nested": {"x": 1, "y": 2}, "gone": True},
        private_metadata={"keep": "me"},
    )

    reply = await api.patch(
        f"/users/{user['id']}/metadata",
        {
            "public_metadata": {"b": 2, "nested": {"y": None, "z": 3}, "gone": None},
            "unsafe_metadata": {"new": {"deep": None, "kept": 1}},
        },
    )

    assert reply.status == 200
    assert reply.body["public_metadata"] == {"a": 1, "b": 2, "nested": {"x": 1, "z": 3}}
    assert reply.body["private_metadata"] == {"keep": "me"}
    assert reply.body["unsafe_metadata"] == {"new": {"kept": 1}}

    replaced = await api.put(f"/users/{user['id']}/metadata", {"public_metadata": {"only": 1}})
    assert replaced.body["public_metadata"] == {"only": 1}
    assert replaced.body["private_metadata"] == {"keep": "me"}

    missing = await api.patch("/users/user_nope/metadata", {"public_metadata": {}})
    assert missing.status == 404
    bad = await api.patch(f"/users/{user['id']}/metadata", {"public_metadata": [1]})
    assert (bad.status, bad.param) == (422, "public_metadata")


async def test_profile_image_upload_is_multipart(api: Api) -> None:
    user = await api.user()
    form = aiohttp.FormData()
    form.add_field("file", b"\x89PNG fake", filename="me.png", content_type="image/png")

    uploaded = await api.request("POST", f"/users/{user['id']}/profile_image", data=form)
    assert uploaded.status == 200
    assert uploaded.body["has_image"] is True
    assert uploaded.body["image_url"] != user["image_url"]

    no_file = aiohttp.FormData(default_to_multipart=True)
    no_file.add_field("note", "no file here")
    empty = await api.request("POST", f"/users/{user['id']}/profile_image", data=no_file)
    assert (empty.status, empty.param) == (422, "file")

    removed = await api.delete(f"/users/{user['id']}/profile_image")
    assert removed.body["has_image"] is False


async def test_email_addresses_and_phone_numbers(api: Api) -> None:
    user = await api.user(email_address=["main@example.com"])

    created = await api.post(
        "/email_addresses",
        {"user_id": user["id"], "email_address": "second@example.com", "verified": True},
    )
    assert created.status == 200
    email_id = created.body["id"]
    assert created.body["verification"]["status"] == "verified"
    taken = await api.post(
        "/email_addresses", {"user_id": user["id"], "email_address": "MAIN@example.com"}
    )
    assert (taken.status, taken.code) == (422, "form_identifier_exists")
    no_user = await api.post("/email_addresses", {"user_id": "user_x", "email_address": "z@e.io"})
    assert no_user.status == 404
    missing = await api.post("/email_addresses", {"user_id": user["id"]})
    assert (missing.status, missing.code, missing.param) == (
        422,
        "form_param_missing",
        "email_address",
    )

    primary = await api.patch(f"/email_addresses/{email_id}", {"primary": True})
    assert primary.status == 200
    assert (await api.get(f"/users/{user['id']}")).body["primary_email_address_id"] == email_id
    assert (await api.get(f"/email_addresses/{email_id}")).body[
        "email_address"
    ] == "second@example.com"

    deleted = await api.delete(f"/email_addresses/{email_id}")
    assert deleted.body == {"object": "email_address", "id": email_id, "deleted": True}
    after = (await api.get(f"/users/{user['id']}")).body
    assert [e["email_address"] for e in after["email_addresses"]] == ["main@example.com"]
    assert after["primary_email_address_id"] == after["email_addresses"][0]["id"]

    phone = await api.post(
        "/phone_numbers",
        {
            "user_id": user["id"],
            "phone_number": "+447700900123",
            "reserved_for_second_factor": True,
        },
    )
    assert phone.status == 200
    assert phone.body["reserved_for_second_factor"] is True
    phone_id = phone.body["id"]
    assert (await api.get(f"/phone_numbers/{phone_id}")).body["phone_number"] == "+447700900123"
    verified = await api.patch(f"/phone_numbers/{phone_id}", {"verified": False})
    assert verified.body["verification"] is None
    assert (await api.delete(f"/phone_numbers/{phone_id}")).body["deleted"] is True
    assert (await api.get(f"/phone_numbers/{phone_id}")).status == 404
    assert (await api.get(f"/email_addresses/{phone_id}")).status == 404
