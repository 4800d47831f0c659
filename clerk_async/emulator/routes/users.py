"""Handlers for users, their email addresses and phone numbers."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.errors import param_invalid, param_missing
from clerk_async.emulator.params import Query
from clerk_async.emulator.routing import Call
from clerk_async.emulator.state.common import random_token
from clerk_async.emulator.state.identifiers import Kind, normalize

__all__ = ["ROUTES"]


def _user_id(call: Call) -> str:
    return call.params["user_id"]


def list_users(call: Call) -> Any:
    org_ids = call.query.strings("organization_id")
    members = call.state.orgs.member_ids(org_ids) if org_ids else None
    return call.state.users.listing(call.query, members)


def count_users(call: Call) -> Any:
    org_ids = call.query.strings("organization_id")
    members = call.state.orgs.member_ids(org_ids) if org_ids else None
    total = len(call.state.users.select(call.query, members))
    return {"object": "total_count", "total_count": total}


def create_user(call: Call) -> Any:
    call.state.users.check_room()
    return call.state.users.create(call.body())


def get_user(call: Call) -> Any:
    return call.state.users.get(_user_id(call)).data


def update_user(call: Call) -> Any:
    return call.state.users.update(_user_id(call), call.body())


def delete_user(call: Call) -> Any:
    return call.state.delete_user(_user_id(call))


def ban_user(call: Call) -> Any:
    return call.state.users.set_flags(_user_id(call), banned=True)


def unban_user(call: Call) -> Any:
    return call.state.users.set_flags(_user_id(call), banned=False)


def _bulk_ids(call: Call) -> list[str]:
    ids = call.body().only(("user_ids",)).strings("user_ids")
    if not ids:
        raise param_missing("user_ids")
    if len(ids) > 50:
        raise param_invalid("user_ids", "user_ids takes at most 50 ids.")
    for user_id in ids:
        call.state.users.get(user_id)
    return ids


def ban_users(call: Call) -> Any:
    return [call.state.users.set_flags(i, banned=True) for i in _bulk_ids(call)]


def unban_users(call: Call) -> Any:
    return [call.state.users.set_flags(i, banned=False) for i in _bulk_ids(call)]


def lock_user(call: Call) -> Any:
    return call.state.users.lock(_user_id(call), True)


def unlock_user(call: Call) -> Any:
    return call.state.users.lock(_user_id(call), False)


def set_profile_image(call: Call) -> Any:
    user = call.state.users.get(_user_id(call))
    upload = call.files.get("file")
    if not isinstance(upload, bytes):
        raise param_missing("file")
    url = f"https://img.clerk.com/emulator/{user.id}/{random_token(12)}.png"
    return call.state.users.set_image(user.id, url)


def delete_profile_image(call: Call) -> Any:
    return call.state.users.set_image(_user_id(call), None)


def merge_metadata(call: Call) -> Any:
    return call.state.users.merge_metadata(_user_id(call), call.body(), replace=False)


def replace_metadata(call: Call) -> Any:
    return call.state.users.merge_metadata(_user_id(call), call.body(), replace=True)


def verify_password(call: Call) -> Any:
    password = call.body().only(("password",)).text("password", required=True) or ""
    return call.state.users.verify_password(_user_id(call), password)


def remove_password(call: Call) -> Any:
    call.body().only(("sign_out_of_other_sessions",))
    return call.state.users.remove_password(_user_id(call))


def user_memberships(call: Call) -> Any:
    orgs = call.state.orgs
    user = call.state.users.get(_user_id(call))
    page = Query({k: call.query.strings(k) for k in ("limit", "offset")})
    return orgs.list_members(page, orgs.memberships_of(user.id))


def user_org_invitations(call: Call) -> Any:
    user = call.state.users.get(_user_id(call))
    emails = {e["email_address"].lower() for e in user.data["email_addresses"]}
    return call.state.org_invitations.listing(call.query, emails=emails, public_org=True)


# -- email addresses and phone numbers -----------------------------------------------------------


def _create_identifier(call: Call, kind: Kind, extra: tuple[str, ...]) -> Any:
    body = call.body().only(("user_id", kind, "verified", "primary", *extra))
    user_id = body.text("user_id", required=True) or ""
    value = body.text(kind, required=True) or ""
    normalize(kind, value)
    return call.state.users.add_identifier(
        kind, user_id, value, verified=body.flag("verified"), primary=body.flag("primary")
    )


def _update_identifier(call: Call, kind: Kind, extra: tuple[str, ...]) -> Any:
    body = call.body().only(("verified", "primary", *extra))
    verified = body.flag("verified") if body.data.get("verified") is not None else None
    primary = body.flag("primary") if body.data.get("primary") is not None else None
    ident_id = call.params[f"{kind}_id"]
    return call.state.users.update_identifier(kind, ident_id, verified=verified, primary=primary)


def create_email(call: Call) -> Any:
    return _create_identifier(call, "email_address", ("notify_primary_email_address_changed",))


def get_email(call: Call) -> Any:
    return call.state.users.get_identifier("email_address", call.params["email_address_id"]).data


def update_email(call: Call) -> Any:
    return _update_identifier(call, "email_address", ("notify_primary_email_address_changed",))


def delete_email(call: Call) -> Any:
    return call.state.users.remove_identifier("email_address", call.params["email_address_id"])


def create_phone(call: Call) -> Any:
    result = _create_identifier(call, "phone_number", ("reserved_for_second_factor",))
    if call.body().flag("reserved_for_second_factor"):
        result.update(reserved_for_second_factor=True, default_second_factor=True)
    return result


def get_phone(call: Call) -> Any:
    return call.state.users.get_identifier("phone_number", call.params["phone_number_id"]).data


def update_phone(call: Call) -> Any:
    result = _update_identifier(call, "phone_number", ("reserved_for_second_factor",))
    flag = call.body().data.get("reserved_for_second_factor")
    if isinstance(flag, bool):
        result.update(reserved_for_second_factor=flag, default_second_factor=flag)
    return result


def delete_phone(call: Call) -> Any:
    return call.state.users.remove_identifier("phone_number", call.params["phone_number_id"])


ROUTES = [
    ("GET", "/users", list_users),
    ("POST", "/users", create_user),
    ("GET", "/users/count", count_users),
    ("POST", "/users/ban", ban_users),
    ("POST", "/users/unban", unban_users),
    ("GET", "/users/{user_id}", get_user),
    ("PATCH", "/users/{user_id}", update_user),
    ("DELETE", "/users/{user_id}", delete_user),
    ("POST", "/users/{user_id}/ban", ban_user),
    ("POST", "/users/{user_id}/unban", unban_user),
    ("POST", "/users/{user_id}/lock", lock_user),
    ("POST", "/users/{user_id}/unlock", unlock_user),
    ("POST", "/users/{user_id}/profile_image", set_profile_image),
    ("DELETE", "/users/{user_id}/profile_image", delete_profile_image),
    ("PATCH", "/users/{user_id}/metadata", merge_metadata),
    ("PUT", "/users/{user_id}/metadata", replace_metadata),
    ("POST", "/users/{user_id}/verify_password", verify_password),
    ("POST", "/users/{user_id}/remove_password", remove_password),
    ("GET", "/users/{user_id}/organization_memberships", user_memberships),
    ("GET", "/users/{user_id}/organization_invitations", user_org_invitations),
    ("POST", "/email_addresses", create_email),
    ("GET", "/email_addresses/{email_address_id}", get_email),
    ("PATCH", "/email_addresses/{email_address_id}", update_email),
    ("DELETE", "/email_addresses/{email_address_id}", delete_email),
    ("POST", "/phone_numbers", create_phone),
    ("GET", "/phone_numbers/{phone_number_id}", get_phone),
    ("PATCH", "/phone_numbers/{phone_number_id}", update_phone),
    ("DELETE", "/phone_numbers/{phone_number_id}", delete_phone),
]
