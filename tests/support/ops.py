"""A few operations declared by hand, so the engine can be tested without the generated surface."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from clerk_async._body import json_body, multipart_body
from clerk_async._http import EncodedBody
from clerk_async._operation import Operation


class User(msgspec.Struct):
    id: str
    first_name: str | None = None
    public_metadata: dict[str, Any] = {}


class CreateUserBody(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=True):
    email_address: list[str] | UnsetType = UNSET
    first_name: str | UnsetType | None = UNSET
    skip_password_checks: bool | UnsetType = UNSET


GET_USER = Operation(operation_id="GetUser", method="GET", path="/users/{user_id}")
DELETE_USER = Operation(operation_id="DeleteUser", method="DELETE", path="/users/{user_id}")
CREATE_USER = Operation(operation_id="CreateUser", method="POST", path="/users", body="json")
UPDATE_USER = Operation(operation_id="UpdateUser", method="PATCH", path="/users/{user_id}")
LIST_USERS = Operation(operation_id="GetUserList", method="GET", path="/users", pagination="array")
LIST_ORGS = Operation(
    operation_id="ListOrganizations", method="GET", path="/organizations", pagination="data"
)
SET_PROFILE_IMAGE = Operation(
    operation_id="UsersSetProfileImage",
    method="POST",
    path="/users/{user_id}/profile_image",
    body="multipart",
)


__all__ = [
    "CREATE_USER",
    "DELETE_USER",
    "EncodedBody",
    "GET_USER",
    "LIST_ORGS",
    "LIST_USERS",
    "SET_PROFILE_IMAGE",
    "UPDATE_USER",
    "CreateUserBody",
    "Operation",
    "User",
    "json_body",
    "multipart_body",
]
