"""Better Auth: its user, account, organization and member tables."""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from msgspec import UNSET

from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.readers._app_users import NoPassword
from clerk_async.migrate.readers.betterauth import clerk_password
from clerk_async.migrate.records import MappedMembership, MappedOrganization, MappedUser
from tests.migrate.org_support import held, slugs
from tests.migrate.source_kill import external_ids, import_killed_and_resumed
from tests.migrate.support import ndjson, read_all, records, skipped

PASSWORD = "Pässwörd-42"
SALT = "4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a"


def better_auth_hash(password: str, salt: str = SALT) -> str:
    """What Better Auth's ``hashPassword`` stores: scrypt (N=16384, r=16, p=1, 64 bytes) of the
    password's NFKC form, salted with the hex salt's text, as ``<salt>:<key in hex>``."""
    key = hashlib.scrypt(unicodedata.normalize("NFKC", password).encode(), salt=salt.encode(),
                         n=16384, r=16, p=1, dklen=64, maxmem=64 * 1024 * 1024)  # fmt: skip
    return f"{salt}:{key.hex()}"


def table(path: Path, rows: list[dict[str, Any]]) -> Path:
    """A table exported as CSV with its column names as the header."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_better_auth_hash_is_werkzeugs_scrypt_with_its_parameters() -> None:
    digest, hasher = clerk_password(better_auth_hash(PASSWORD))
    assert hasher == "scrypt_werkzeug"
    assert digest == f"$scrypt:16384:16:1${SALT}${better_auth_hash(PASSWORD).split(':')[1]}"
    assert clerk_password("$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")[1] == (
        "bcrypt"
    )
    with pytest.raises(NoPassword, match="<salt>:<key in hex>"):
        clerk_password("plain-text-password")


def test_users_with_their_plugins_columns_and_accounts(tmp_path: Path) -> None:
    users = table(tmp_path / "user.csv", [
        {"id": "u1", "name": "Ada Lovelace", "email": "ada@example.com", "emailVerified": "1",
         "createdAt": "2024-01-15 10:30:00", "username": "ada_l", "role": "admin",
         "banned": "1", "banExpires": "2020-01-01T00:00:00Z", "twoFactorEnabled": "1",
         "image": "https://example.com/a.png"},
        {"id": "u2", "name": "Grace", "email": "grace@example.com", "emailVerified": "0",
         "banned": "true", "phoneNumber": "+14155550101", "phoneNumberVerified": "true"},
    ])  # fmt: skip
    accounts = table(tmp_path / "account.csv", [
        {"id": "a1", "userId": "u1", "providerId": "credential", "accountId": "u1",
         "password": better_auth_hash(PASSWORD)},
        {"id": "a2", "userId": "u2", "providerId": "google", "accountId": "1048",
         "password": ""},
    ])  # fmt: skip
    ada, grace = (map_record(r) for r in records("betterauth", users, password_hashes=accounts))
    assert isinstance(ada, MappedUser) and isinstance(grace, MappedUser)
    assert ada.external_id == "u1" and ada.request.password_hasher == "scrypt_werkzeug"
    assert ada.request.first_name == "Ada" and ada.request.last_name == "Lovelace"
    assert ada.request.username == "ada_l" and ada.request.private_metadata == {"role": "admin"}
    assert ada.request.banned is not True  # the ban expired
    assert any("ban expired" in note for note in ada.notes)
    assert any("two-factor not imported" in note for note in ada.notes)
    assert ada.record.draft.dropped == ("image",)
    assert grace.request.password_digest is UNSET and grace.request.banned is True
    assert grace.request.phone_number == ["+14155550101"]


def test_snake_case_columns_and_anonymous_users(tmp_path: Path) -> None:
    rows = [{"id": "u1", "email": "ada@example.com", "email_verified": True,
             "is_anonymous": True}]  # fmt: skip
    (anonymous,) = skipped("betterauth", ndjson(tmp_path / "user.ndjson", rows))
    assert anonymous.code == "anonymous"
    rows[0]["is_anonymous"] = False
    (record,) = read_all("betterauth", ndjson(tmp_path / "user.ndjson", rows))
    user = map_record(record)  # type: ignore[arg-type]
    assert isinstance(user, MappedUser) and user.request.email_address == ["ada@example.com"]


def test_organizations_and_members_with_better_auths_roles(tmp_path: Path) -> None:
    organizations = table(tmp_path / "organization.csv", [
        {"id": "o1", "name": "Acme", "slug": "acme", "logo": "https://example.com/l.png",
         "metadata": '{"plan": "pro"}', "createdAt": "2024-02-01T00:00:00.000Z"}])  # fmt: skip
    members = table(tmp_path / "member.csv", [
        {"id": "m1", "organizationId": "o1", "userId": "u1", "role": "owner",
         "createdAt": "2024-02-01T00:00:00.000Z"},
        {"id": "m2", "organizationId": "o1", "userId": "u2", "role": "member,admin"},
        {"id": "m3", "organizationId": "o1", "userId": "u3", "role": "Content Editor"},
    ])  # fmt: skip
    found = read_all("betterauth", organizations=[organizations], memberships=[members])
    organization, *memberships = (map_record(record) for record in found)  # type: ignore[arg-type]
    assert isinstance(organization, MappedOrganization)
    assert organization.slug == "acme" and organization.request.public_metadata == {"plan": "pro"}
    assert organization.request.created_at == "2024-02-01T00:00:00.000Z"
    assert organization.record.draft.dropped == ("logo",)
    assert all(isinstance(m, MappedMembership) for m in memberships)
    owner, both, editor = (m for m in memberships if isinstance(m, MappedMembership))
    assert (owner.role, both.role, editor.role) == ("org:admin", "org:admin", "org:content_editor")
    assert both.notes == ("also had org:member: Clerk gives a membership one role, org:admin",)
    assert owner.record.draft.dropped == ("createdAt",)
    mapped = read_all("betterauth", organizations=[organizations], memberships=[members],
                      role_map={"owner": "org:owner"})  # fmt: skip
    assert [map_record(r).role for r in mapped[1:]] == [  # type: ignore[arg-type, union-attr]
        "org:owner", "org:admin", "org:content_editor"]  # fmt: skip


@pytest.mark.slow  # a run killed with SIGKILL and resumed
def test_better_auth_killed_and_resumed_each_record_once_and_passwords_sign_in(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    users = [f"ba_{i:03d}" for i in range(30)]
    rows = [{"id": user, "name": f"User {i}", "email": f"u{i}@example.com",
             "emailVerified": "true"} for i, user in enumerate(users)]  # fmt: skip
    table(tmp_path / "user.csv", rows)
    stored = better_auth_hash(PASSWORD)
    accounts = [{"id": f"a{i}", "userId": user, "providerId": "credential", "password": stored}
                for i, user in enumerate(users)]  # fmt: skip
    table(tmp_path / "account.csv", accounts)
    table(tmp_path / "organization.csv", [{"id": f"o{j}", "name": f"Org {j}", "slug": f"org-{j}"}
                                          for j in range(12)])  # fmt: skip
    roles = ("owner", "admin", "member", "editor", "member")
    table(tmp_path / "member.csv", [{"id": f"m{j}-{i}", "organizationId": f"o{j}",
                                     "userId": users[(j * 2 + i) % 30], "role": roles[i]}
                                    for j in range(12) for i in range(5)])  # fmt: skip
    report = import_killed_and_resumed(
        clerk_emulator, tmp_path,
        ["--from", "betterauth", "user.csv", "--password-hashes", "account.csv",
         "--organizations", "organization.csv", "--memberships", "member.csv"],
        memberships=60,
    )  # fmt: skip
    assert {line["status"] for line in report} == {"created"} and len(report) == 30 + 12 + 60
    assert external_ids(clerk_emulator) == dict.fromkeys(users, 1)
    assert slugs(clerk_emulator) == {f"org-{j}": 1 for j in range(12)}
    keys = {"owner": "org:admin", "admin": "org:admin", "member": "org:member",
            "editor": "org:editor"}  # fmt: skip
    assert held(clerk_emulator) == {
        (f"org-{j}", users[(j * 2 + i) % 30]): [keys[roles[i]]] for j in range(12) for i in range(5)
    }
    with clerk_emulator.sync_client() as clerk:
        ada = next(r.id for r in clerk_emulator.state.users.users.values()
                   if r.data["external_id"] == users[0])  # fmt: skip
        assert clerk.users.verify_password(ada, password=PASSWORD).verified
