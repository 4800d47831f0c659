"""Users and their identifiers: create, update, delete, flags, metadata, passwords and lists.

Users are kept as their wire objects (plain dicts), so a read is a lookup and an encode. Every
write validates the whole request before changing anything.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from clerk_async._identifiers import USERNAME
from clerk_async.emulator.errors import (
    APIError,
    identifier_exists,
    not_found,
    param_invalid,
    param_missing,
    param_value_invalid,
    quota_exceeded,
    unprocessable,
)
from clerk_async.emulator.params import Body, Query
from clerk_async.emulator.passwords import Password, check_new_password, from_digest, from_plaintext

from .common import Ordering, deep_merge, new_id, now_ms, order, parse_order, parse_timestamp
from .identifiers import Identifier, Identifiers, Kind
from .user_records import ORDER_FIELDS, UserRecord, filters

__all__ = ["DEFAULT_IMAGE_URL", "ORDER_FIELDS", "UserRecord", "UserStore"]

DEFAULT_IMAGE_URL = "https://img.clerk.com/emulator/default-avatar.png"
#: Clerk's cap on the values of one list filter ("Accepts up to 100 ...").
MAX_FILTER_VALUES = 100
_CAPPED_FILTERS = (
    "email_address", "phone_number", "external_id", "username", "web3_wallet", "user_id",
    "organization_id", "provider_user_id",
)  # fmt: skip
LOCKOUT_SECONDS = 3600
METADATA = ("public_metadata", "private_metadata", "unsafe_metadata")

CREATE_FIELDS = frozenset(
    {
        "external_id", "first_name", "last_name", "locale", "email_address",
        "email_address_identification_status", "phone_number",
        "phone_number_identification_status", "web3_wallet", "username", "password",
        "password_digest", "password_hasher", "skip_password_checks",
        "skip_password_requirement", "totp_secret", "backup_codes", *METADATA,
        "delete_self_enabled", "legal_accepted_at", "skip_legal_checks", "skip_user_requirement",
        "create_organization_enabled", "create_organizations_limit", "created_at",
        "bypass_client_trust", "banned", "locked",
    }
)  # fmt: skip
UPDATE_FIELDS = frozenset(
    {
        "external_id", "first_name", "last_name", "locale", "primary_email_address_id",
        "notify_primary_email_address_changed", "primary_phone_number_id",
        "primary_web3_wallet_id", "username", "profile_image_id", "password", "password_digest",
        "password_hasher", "skip_password_checks", "sign_out_of_other_sessions", "totp_secret",
        "backup_codes", "delete_self_enabled", "create_organization_enabled",
        "legal_accepted_at", "skip_legal_checks", "create_organizations_limit", "created_at",
        "bypass_client_trust",
    }
)  # fmt: skip
_KINDS: tuple[tuple[Kind, str, str], ...] = (
    ("email_address", "email_addresses", "primary_email_address_id"),
    ("phone_number", "phone_numbers", "primary_phone_number_id"),
    ("web3_wallet", "web3_wallets", "primary_web3_wallet_id"),
)


def _new_user(user_id: str, now: int) -> dict[str, Any]:
    return {
        "id": user_id, "object": "user", "external_id": None,
        "primary_email_address_id": None, "primary_phone_number_id": None,
        "primary_web3_wallet_id": None, "username": None, "first_name": None,
        "last_name": None, "locale": None, "profile_image_url": DEFAULT_IMAGE_URL,
        "image_url": DEFAULT_IMAGE_URL, "has_image": False, "public_metadata": {},
        "private_metadata": {}, "unsafe_metadata": {}, "email_addresses": [],
        "phone_numbers": [], "web3_wallets": [], "passkeys": [], "password_enabled": False,
        "two_factor_enabled": False, "totp_enabled": False, "backup_code_enabled": False,
        "mfa_enabled_at": None, "mfa_disabled_at": None, "password_last_updated_at": None,
        "external_accounts": [], "saml_accounts": [], "enterprise_accounts": [],
        "last_sign_in_at": None, "banned": False, "locked": False, "deprovisioned": False,
        "lockout_expires_in_seconds": None, "verification_attempts_remaining": 100,
        "updated_at": now, "created_at": now, "delete_self_enabled": True,
        "create_organization_enabled": True, "create_organizations_limit": None,
        "last_active_at": None, "legal_accepted_at": None, "bypass_client_trust": False,
    }  # fmt: skip


class UserStore:
    def __init__(self) -> None:
        self.users: dict[str, UserRecord] = {}
        self.identifiers = Identifiers()
        self._usernames: dict[str, str] = {}
        self._external_ids: dict[str, str] = {}
        #: Deleted users' sort keys, so that a ``starting_after`` cursor outlives its user.
        self._tombstones: dict[str, tuple[int, int]] = {}
        self._seq = itertools.count()
        #: At most this many users (a development instance holds 100); None: no cap.
        self.user_limit: int | None = None

    # -- reads ---------------------------------------------------------------------------------

    def get(self, user_id: str) -> UserRecord:
        record = self.users.get(user_id)
        if record is None:
            raise not_found("user", user_id)
        return record

    def find(self, user_id: str) -> UserRecord | None:
        return self.users.get(user_id)

    # -- create / update / delete --------------------------------------------------------------

    def create(self, body: Body) -> dict[str, Any]:
        body.only(CREATE_FIELDS)
        idents = self.identifiers
        emails = body.strings("email_address")
        phones = body.strings("phone_number")
        wallets = body.strings("web3_wallet")
        idents.check_free("email_address", emails, "email_address")
        idents.check_free("phone_number", phones, "phone_number")
        idents.check_free("web3_wallet", wallets, "web3_wallet")
        email_status = _statuses(body, "email_address_identification_status", len(emails))
        phone_status = _statuses(body, "phone_number_identification_status", len(phones))
        username = self._check_username(body.text("username"), None)
        external_id = self._check_external_id(body.text("external_id"), None)
        password = _password(body)
        metadata = {name: body.mapping(name) for name in METADATA}
        created_at = parse_timestamp("created_at", body.text("created_at"))
        legal_at = parse_timestamp("legal_accepted_at", body.text("legal_accepted_at"))
        names = {name: body.text(name) for name in ("first_name", "last_name", "locale")}
        limit = body.integer("create_organizations_limit", minimum=0)
        flags = {
            "delete_self_enabled": body.flag("delete_self_enabled", True),
            "create_organization_enabled": body.flag("create_organization_enabled", True),
            "bypass_client_trust": body.flag("bypass_client_trust"),
            "banned": body.flag("banned"),
            "locked": body.flag("locked"),
        }
        totp = body.text("totp_secret")
        backup_codes = body.strings("backup_codes")

        now = now_ms()
        user_id = new_id("user_")
        data = _new_user(user_id, now)
        record = UserRecord(data, next(self._seq))
        data.update(names, **flags, username=username, external_id=external_id)
        data["create_organizations_limit"] = limit
        data["legal_accepted_at"] = legal_at
        if created_at is not None:
            data["created_at"] = created_at
        for name, value in metadata.items():
            if value is not None:
                data[name] = value
        if data["locked"]:
            data["lockout_expires_in_seconds"] = LOCKOUT_SECONDS
        for address, status in zip(emails, email_status, strict=True):
            reserved = status == "reserved"
            self._attach("email_address", record, address, not reserved, reserved)
        for number, status in zip(phones, phone_status, strict=True):
            reserved = status == "reserved"
            self._attach("phone_number", record, number, not reserved, reserved)
        for wallet in wallets:
            self._attach("web3_wallet", record, wallet, True, False)
        if password is not None:
            self._set_password(record, password, now)
        if totp:
            data.update(totp_enabled=True, two_factor_enabled=True, mfa_enabled_at=now)
        if backup_codes:
            data.update(backup_code_enabled=True, two_factor_enabled=True)
        if username is not None:
            self._usernames[username.lower()] = user_id
        if external_id is not None:
            self._external_ids[external_id] = user_id
        self.users[user_id] = record
        return data

    def check_room(self) -> None:
        """Refuse one more user when the instance is full (403 ``user_quota_exceeded``)."""
        if self.user_limit is not None and len(self.users) >= self.user_limit:
            raise quota_exceeded(self.user_limit)

    def update(self, user_id: str, body: Body) -> dict[str, Any]:
        record = self.get(user_id)
        data = record.data
        body.only(UPDATE_FIELDS)
        changes: dict[str, Any] = {}
        for name in ("first_name", "last_name", "locale"):
            if body.has(name):
                changes[name] = body.text(name)
        if body.has("username"):
            changes["username"] = self._check_username(body.text("username"), user_id)
        if body.has("external_id"):
            changes["external_id"] = self._check_external_id(body.text("external_id"), user_id)
        for _, field, primary in _KINDS:
            wanted = body.text(primary)
            if wanted is not None:
                if not any(item["id"] == wanted for item in data[field]):
                    raise param_value_invalid(primary, f"{wanted} does not belong to {user_id}.")
                changes[primary] = wanted
        password = _password(body)
        for name in ("delete_self_enabled", "create_organization_enabled", "bypass_client_trust"):
            if body.data.get(name) is not None:
                changes[name] = body.flag(name)
        if body.has("create_organizations_limit"):
            limit = body.integer("create_organizations_limit", minimum=0)
            changes["create_organizations_limit"] = limit
        for name in ("created_at", "legal_accepted_at"):
            stamp = parse_timestamp(name, body.text(name))
            if stamp is not None:
                changes[name] = stamp
        totp = body.text("totp_secret")
        backup_codes = body.strings("backup_codes")

        now = now_ms()
        if "username" in changes:
            self._reindex(self._usernames, data["username"], changes["username"], user_id, True)
        if "external_id" in changes:
            self._reindex(self._external_ids, data["external_id"], changes["external_id"], user_id)
        data.update(changes)
        if password is not None:
            self._set_password(record, password, now)
        if totp:
            data.update(totp_enabled=True, two_factor_enabled=True, mfa_enabled_at=now)
        if backup_codes:
            data.update(backup_code_enabled=True, two_factor_enabled=True)
        data["updated_at"] = now
        return data

    def delete(self, user_id: str) -> dict[str, Any]:
        record = self.get(user_id)
        data = record.data
        for _, field, _ in _KINDS:
            for item in data[field]:
                self.identifiers.remove(item["id"])
        if data["username"] is not None:
            self._usernames.pop(data["username"].lower(), None)
        if data["external_id"] is not None:
            self._external_ids.pop(data["external_id"], None)
        del self.users[user_id]
        self._tombstones[user_id] = (data["created_at"], record.seq)
        return {"object": "user", "id": user_id, "deleted": True}

    def set_flags(self, user_id: str, **flags: Any) -> dict[str, Any]:
        data = self.get(user_id).data
        data.update(flags)
        data["updated_at"] = now_ms()
        return data

    def lock(self, user_id: str, locked: bool) -> dict[str, Any]:
        return self.set_flags(
            user_id, locked=locked, lockout_expires_in_seconds=LOCKOUT_SECONDS if locked else None
        )

    def set_image(self, user_id: str, url: str | None) -> dict[str, Any]:
        return self.set_flags(
            user_id,
            image_url=url or DEFAULT_IMAGE_URL,
            profile_image_url=url or DEFAULT_IMAGE_URL,
            has_image=url is not None,
        )

    def merge_metadata(self, user_id: str, body: Body, *, replace: bool) -> dict[str, Any]:
        data = self.get(user_id).data
        body.only(METADATA)
        patches = {name: body.mapping(name) for name in METADATA}
        for name, patch in patches.items():
            if patch is None:
                if replace and body.has(name):
                    data[name] = {}
                continue
            data[name] = patch if replace else deep_merge(data[name], patch)
        data["updated_at"] = now_ms()
        return data

    def remove_password(self, user_id: str) -> dict[str, Any]:
        record = self.get(user_id)
        record.password = None
        return self.set_flags(user_id, password_enabled=False)

    def verify_password(self, user_id: str, candidate: str) -> dict[str, Any]:
        record = self.get(user_id)
        if record.password is None:
            raise APIError(400, "no_password_set", "This user has no password set.")
        if not record.password.verify(candidate):
            raise unprocessable(
                "form_password_incorrect",
                "Password is incorrect. Try again, or use another method.",
                "The password does not match the user's password.",
                "password",
            )
        return {"verified": True}

    def touch(self, user_id: str, now: int, *, signed_in: bool) -> None:
        """Record activity at ``now`` (a session was created)."""
        record = self.users.get(user_id)
        if record is not None:
            record.data["last_active_at"] = now
            if signed_in:
                record.data["last_sign_in_at"] = now

    # -- identifiers ---------------------------------------------------------------------------

    def add_identifier(
        self, kind: Kind, user_id: str, value: str, *, verified: bool, primary: bool
    ) -> dict[str, Any]:
        record = self.get(user_id)
        self.identifiers.check_free(kind, [value], kind)
        item = self._attach(kind, record, value, verified, False)
        if primary:
            record.data[_primary_field(kind)] = item["id"]
        record.data["updated_at"] = item["created_at"]
        return item

    def get_identifier(self, kind: Kind, ident_id: str) -> Identifier:
        ident = self.identifiers.get(kind, ident_id)
        if ident is None:
            raise not_found(kind.replace("_", " "), ident_id)
        return ident

    def update_identifier(
        self, kind: Kind, ident_id: str, *, verified: bool | None, primary: bool | None
    ) -> dict[str, Any]:
        ident = self.get_identifier(kind, ident_id)
        if verified is not None:
            self.identifiers.verify(ident, verified)
        if primary:
            user = self.users[ident.user_id].data
            user[_primary_field(kind)] = ident_id
            user["updated_at"] = now_ms()
        return ident.data

    def remove_identifier(self, kind: Kind, ident_id: str) -> dict[str, Any]:
        ident = self.get_identifier(kind, ident_id)
        user = self.users[ident.user_id].data
        field, primary = _list_field(kind), _primary_field(kind)
        user[field] = [item for item in user[field] if item["id"] != ident_id]
        if user[primary] == ident_id:
            user[primary] = user[field][0]["id"] if user[field] else None
        user["updated_at"] = now_ms()
        self.identifiers.remove(ident_id)
        return {"object": kind, "id": ident_id, "deleted": True}

    # -- lists ---------------------------------------------------------------------------------

    def select(self, query: Query, member_ids: set[str] | None) -> list[UserRecord]:
        """The users matching the list/count filters, in creation order."""
        for name in _CAPPED_FILTERS:
            if len(query.strings(name)) > MAX_FILTER_VALUES:
                raise param_value_invalid(
                    name, f"{name} accepts at most {MAX_FILTER_VALUES} values per request."
                )
        candidates: Iterable[UserRecord] = self.users.values()
        ids: set[str] | None = member_ids
        exact: tuple[tuple[str, Kind | None], ...] = (
            ("email_address", "email_address"),
            ("phone_number", "phone_number"),
            ("web3_wallet", "web3_wallet"),
            ("username", None),
            ("external_id", None),
            ("user_id", None),
        )
        for name, kind in exact:
            values = query.strings(name)
            if not values:
                continue
            found = self._ids_for(name, kind, values)
            ids = found if ids is None else ids & found
        if query.strings("provider_user_id"):
            ids = set()  # the emulator has no external accounts
        if ids is not None:
            candidates = [self.users[i] for i in sorted(ids) if i in self.users]
            candidates = sorted(candidates, key=lambda r: r.seq)
        checks = filters(query)
        return [r for r in candidates if all(check(r.data) for check in checks)]

    def listing(self, query: Query, member_ids: set[str] | None) -> list[dict[str, Any]]:
        limit, offset = query.page()
        ordering = parse_order(query.text("order_by"), ORDER_FIELDS)
        records = order(self.select(query, member_ids), ordering, lambda r: r.seq)
        cursor = query.text("starting_after")
        if cursor is not None:
            records = self._after(records, cursor, ordering, offset)
        return [r.data for r in records[offset : offset + limit]]

    def _after(
        self, records: list[UserRecord], cursor: str, ordering: Ordering, offset: int
    ) -> list[UserRecord]:
        if ordering.field != "created_at":
            raise param_value_invalid(
                "starting_after", "starting_after needs order_by to be ±created_at."
            )
        if offset:
            raise param_value_invalid("offset", "offset cannot be combined with starting_after.")
        found = self.users.get(cursor)
        mark = (found.data["created_at"], found.seq) if found else self._tombstones.get(cursor)
        if mark is None:
            raise param_value_invalid("starting_after", f"No user was found with id {cursor}.")

        def key(record: UserRecord) -> tuple[int, int]:
            return (record.data["created_at"], record.seq)

        if ordering.descending:
            return [r for r in records if key(r) < mark]
        return [r for r in records if key(r) > mark]

    # -- helpers -------------------------------------------------------------------------------

    def _ids_for(self, name: str, kind: Kind | None, values: list[str]) -> set[str]:
        found: set[str] = set()
        for value in values:
            owner: str | None
            if kind is not None:
                key = value.strip() if kind == "phone_number" else value.strip().lower()
                owner = self.identifiers.owner(kind, key)
            elif name == "username":
                owner = self._usernames.get(value.lower())
            elif name == "external_id":
                owner = self._external_ids.get(value)
            else:
                owner = value if value in self.users else None
            if owner is not None:
                found.add(owner)
        return found

    def _attach(
        self, kind: Kind, record: UserRecord, value: str, verified: bool, reserved: bool
    ) -> dict[str, Any]:
        item = self.identifiers.add(kind, record.id, value, verified=verified, reserved=reserved)
        data = record.data
        data[_list_field(kind)].append(item)
        primary = _primary_field(kind)
        if data[primary] is None:
            data[primary] = item["id"]
        return item

    def _check_username(self, username: str | None, user_id: str | None) -> str | None:
        if username is None:
            return None
        if not USERNAME.match(username):
            raise param_invalid(
                "username", "Usernames have 4 to 64 letters, digits, '_', '-' or '.'."
            )
        owner = self._usernames.get(username.lower())
        if owner is not None and owner != user_id:
            raise identifier_exists("username")
        return username

    def _check_external_id(self, external_id: str | None, user_id: str | None) -> str | None:
        if external_id is None:
            return None
        owner = self._external_ids.get(external_id)
        if owner is not None and owner != user_id:
            raise identifier_exists("external_id", "external ID")
        return external_id

    @staticmethod
    def _reindex(
        index: dict[str, str], old: str | None, new: str | None, user_id: str, fold: bool = False
    ) -> None:
        if old is not None:
            index.pop(old.lower() if fold else old, None)
        if new is not None:
            index[new.lower() if fold else new] = user_id

    @staticmethod
    def _set_password(record: UserRecord, password: Password, now: int) -> None:
        record.password = password
        record.data["password_enabled"] = True
        record.data["password_last_updated_at"] = now


def _list_field(kind: Kind) -> str:
    return {"email_address": "email_addresses", "phone_number": "phone_numbers"}.get(
        kind, "web3_wallets"
    )


def _primary_field(kind: Kind) -> str:
    return f"primary_{kind}_id"


def _statuses(body: Body, name: str, count: int) -> list[str]:
    statuses = body.strings(name)
    if not statuses:
        return ["verified"] * count
    if len(statuses) != count:
        raise param_invalid(name, f"{name} needs exactly one status per identifier.")
    for status in statuses:
        if status not in ("verified", "reserved"):
            raise param_value_invalid(name, f"{name} items must be verified or reserved.")
    return statuses


def _password(body: Body) -> Password | None:
    plaintext = body.text("password")
    digest = body.text("password_digest")
    if plaintext is not None and digest is not None:
        raise param_invalid("password_digest", "Send either password or password_digest.")
    if plaintext is not None:
        check_new_password(plaintext, skip_checks=body.flag("skip_password_checks"))
        return from_plaintext(plaintext)
    if digest is not None:
        return from_digest(digest, body.text("password_hasher"))
    if body.text("password_hasher") is not None:
        raise param_missing("password_digest")
    return None
