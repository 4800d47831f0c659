"""A realistic Auth0 export for the demo and the benchmarks: profiles, password hashes, mistakes,
organizations.

What Auth0 hands over: the bulk user export (NDJSON, gzipped, one profile a line: database users
``auth0|<24 hex>`` and social ones ``google-oauth2|<21 digits>``), and, from support, the
password-hash export (NDJSON keyed by ``_id.$oid``, bcrypt digests). A few records are broken the
way real exports are: an address that is not one, a phone without its ``+``, a user with no id,
the same email on two profiles. Its organizations, their members with their roles and the tenant's
roles are the Management API's answers, saved as they come (``generate_auth0_organizations``).
The benchmarks' organizations use Clerk's field names instead (``generate_organizations``). The
data is generated (seeded), never real.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerk_async.migrate.mapping_orgs import slug_of

__all__ = [
    "Auth0Export",
    "Auth0Organizations",
    "OrganizationExport",
    "generate_auth0_export",
    "generate_auth0_organizations",
    "generate_jsonl",
    "generate_organizations",
]

FIRST = [
    "Ada",
    "Alan",
    "Barbara",
    "Claude",
    "Dennis",
    "Edsger",
    "Frances",
    "Grace",
    "Hedy",
    "Ivan",
    "John",
    "Katherine",
]
LAST = [
    "Lovelace",
    "Turing",
    "Liskov",
    "Shannon",
    "Ritchie",
    "Dijkstra",
    "Allen",
    "Hopper",
    "Lamarr",
    "Hamilton",
]
PLANS = ["free", "free", "free", "pro", "pro", "team"]
#: The demo's one known password: every database user's digest is of ``password_of(user_id)``.
PASSWORD_PREFIX = "correct horse "


@dataclass
class Auth0Export:
    """The files written, and what a migration of them should end with."""

    profiles: Path
    hashes: Path
    #: Auth0 user ids that must each end up as exactly one Clerk user.
    importable: list[str] = field(default_factory=list)
    #: Records a migration must report instead of importing, by why.
    broken: dict[str, int] = field(default_factory=dict)
    #: A database user and their password, to verify after the import.
    sample_user: str = ""
    sample_password: str = ""


def password_of(user_id: str) -> str:
    return PASSWORD_PREFIX + user_id[-6:]


def generate_auth0_export(
    directory: Path, users: int, *, seed: int = 2026, bcrypt_cost: int = 4
) -> Auth0Export:
    """Write ``users.json.gz`` and ``password-hashes.json`` into ``directory``.

    About 70 % database users (with a bcrypt digest, cost ``bcrypt_cost``: 4 keeps thousands of
    digests quick to make and to check) and 30 % Google users; 1 in 5 with a phone, some not
    verified, some blocked. Five broken records follow the ``users`` good ones.
    """
    import bcrypt

    rng = random.Random(seed)
    export = Auth0Export(directory / "users.json.gz", directory / "password-hashes.json")
    salt = bcrypt.gensalt(bcrypt_cost)
    with gzip.open(export.profiles, "wt") as profiles, open(export.hashes, "w") as hashes:
        for index in range(users):
            profile, oid = _profile(rng, index)
            profiles.write(json.dumps(profile) + "\n")
            export.importable.append(profile["user_id"])
            if oid is None:
                continue
            digest = bcrypt.hashpw(password_of(oid).encode(), salt).decode()
            hashes.write(json.dumps(_hash_record(profile, oid, digest)) + "\n")
            if not export.sample_user:
                export.sample_user = profile["user_id"]
                export.sample_password = password_of(oid)
        for record, outcome in _broken(users):
            profiles.write(json.dumps(record) + "\n")
            if outcome == "created":
                export.importable.append(record["user_id"])
            else:
                export.broken[outcome] = export.broken.get(outcome, 0) + 1
    return export


def _profile(rng: random.Random, index: int) -> tuple[dict[str, Any], str | None]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    social = rng.random() < 0.3
    oid = None if social else f"{0x65F1C0FFEE0000000000 + index:024x}"
    user_id = f"google-oauth2|{104837261234567890123 + index}" if social else f"auth0|{oid}"
    email = f"{first}.{last}.{index}@example.com".lower()
    created = f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    profile: dict[str, Any] = {
        "user_id": user_id,
        "email": email,
        "email_verified": social or rng.random() < 0.9,
        "name": f"{first} {last}",
        "created_at": f"{created}T0{rng.randint(0, 9)}:1{rng.randint(0, 9)}:07.890Z",
        "last_login": "2024-01-02T03:04:05.000Z",
        "identities": [
            {
                "connection": "google-oauth2" if social else "Username-Password-Authentication",
                "provider": "google-oauth2" if social else "auth0",
                "user_id": user_id.split("|", 1)[1],
                "isSocial": social,
            }
        ],
    }
    if not social:
        profile.update(given_name=first, family_name=last)
        if rng.random() < 0.3:
            profile["username"] = f"{first}{last}{index}".lower()
    if rng.random() < 0.2:
        profile["phone_number"] = f"+1415555{index % 10000:04d}"
        profile["phone_verified"] = rng.random() < 0.5
    if rng.random() < 0.02:
        profile["blocked"] = True
    profile["app_metadata"] = {"plan": rng.choice(PLANS)}
    if rng.random() < 0.4:
        profile["user_metadata"] = {"theme": rng.choice(["dark", "light"])}
    return profile, oid


def _hash_record(profile: dict[str, Any], oid: str, digest: str) -> dict[str, Any]:
    return {
        "_id": {"$oid": oid},
        "email_verified": profile["email_verified"],
        "email": profile["email"],
        "passwordHash": digest,
        "password_set_date": {"$date": profile["created_at"]},
        "tenant": "acme",
        "connection": "Username-Password-Authentication",
        "_tmp_is_unique": True,
    }


def _broken(users: int) -> list[tuple[dict[str, Any], str]]:
    """Records a careful migration reports and goes on (each a real export's mistake), with the
    status each should end in: the first of two profiles sharing an email is imported."""
    twin = "ada.lovelace.twin@example.com"
    return [
        ({"user_id": f"auth0|{users:024x}", "email": "not-an-address"}, "invalid"),
        (
            {
                "user_id": f"auth0|{users + 1:024x}",
                "email": f"phone.{users}@example.com",
                "phone_number": "4155550199",
                "phone_verified": True,
            },
            "invalid",
        ),
        ({"email": "no.id@example.com", "email_verified": True}, "invalid"),
        ({"user_id": f"auth0|{users + 2:024x}", "email": twin, "email_verified": True}, "created"),
        (
            {"user_id": f"auth0|{users + 3:024x}", "email": twin, "email_verified": True},
            "duplicate",
        ),
    ]


def generate_jsonl(path: Path, count: int, *, seed: int = 7) -> Path:
    """``count`` records of the generic ``jsonl`` source (Clerk's own field names), streamed."""
    rng = random.Random(seed)
    with open(path, "w") as out:
        for index in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            record = {
                "external_id": f"legacy-{index:08d}",
                "email_address": [f"{first}.{last}.{index}@example.com".lower()],
                "first_name": first,
                "last_name": last,
                "public_metadata": {"plan": rng.choice(PLANS)},
            }
            out.write(json.dumps(record) + "\n")
    return path


@dataclass
class OrganizationExport:
    """Organizations, memberships and roles in files with Clerk's field names, and what a
    migration of them should end with."""

    organizations: Path
    memberships: Path
    roles: Path
    #: ``(organization id, user id) -> role`` for every membership the input gives.
    expected: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Organization source ids, and their slugs.
    slugs: dict[str, str] = field(default_factory=dict)


#: The custom role the demo's memberships use, with its permissions.
BILLING_ROLE = {
    "key": "org:billing",
    "name": "Billing",
    "description": "Sees and pays the invoices",
    "permissions": ["org:invoices:read", "org:invoices:pay"],
}
COMPANIES = ["Analytical", "Engines", "Compilers", "Lambda", "Kernels", "Circuits", "Queues"]


def generate_organizations(
    directory: Path,
    user_ids: list[str],
    organizations: int,
    memberships: int,
    *,
    seed: int = 2026,
    max_members: int = 50,
    remember: bool = True,
) -> OrganizationExport:
    """Write ``organizations.jsonl``, ``memberships.csv`` and ``roles.jsonl`` into ``directory``.

    Each organization has a creator (its first member, ``org:admin``) and members drawn from
    ``user_ids`` (each user once per organization), about ``memberships`` in all: most
    ``org:member``, some ``org:billing`` (a custom role, defined in the roles file). Every
    organization allows ``max_members``, over Clerk's default of 5. A few have a domain.
    ``remember=False`` leaves ``expected`` empty (a million memberships need not be held).
    """
    rng = random.Random(seed)
    export = OrganizationExport(
        directory / "organizations.jsonl", directory / "memberships.csv", directory / "roles.jsonl"
    )
    export.roles.write_text(json.dumps(BILLING_ROLE) + "\n")
    sizes = _sizes(rng, organizations, memberships, min(max_members, len(user_ids)))
    with open(export.organizations, "w") as orgs, open(export.memberships, "w") as members:
        members.write("organization_id,user_id,role\n")
        for index, size in enumerate(sizes):
            org_id = f"team-{index:05d}"
            name = f"{rng.choice(COMPANIES)} {rng.choice(LAST)} {index}"
            chosen = rng.sample(user_ids, size)
            record: dict[str, Any] = {
                "id": org_id,
                "name": name,
                "created_by": chosen[0],
                "max_allowed_memberships": max_members,
                "public_metadata": {"plan": rng.choice(PLANS)},
            }
            if index % 50 == 0:
                record["domains"] = [f"team{index}.example.com"]
            orgs.write(json.dumps(record) + "\n")
            export.slugs[org_id] = slug_of(name)
            for position, user_id in enumerate(chosen):
                role = "org:admin" if position == 0 else _member_role(rng)
                members.write(f"{org_id},{user_id},{role}\n")
                if remember:
                    export.expected[(org_id, user_id)] = role
    return export


def _sizes(rng: random.Random, organizations: int, memberships: int, largest: int) -> list[int]:
    """Organization sizes from 1 to ``largest`` adding up to ``memberships`` (or close)."""
    mean = max(1.0, memberships / max(1, organizations))
    sizes = [max(1, min(largest, round(rng.expovariate(1 / mean)))) for _ in range(organizations)]
    index = 0
    while sum(sizes) != memberships and organizations:
        step = 1 if sum(sizes) < memberships else -1
        if all(size == (largest if step > 0 else 1) for size in sizes):
            break  # as close as the sizes allow
        if 1 <= sizes[index] + step <= largest:
            sizes[index] += step
        index = (index + 1) % organizations
    return sizes


def _member_role(rng: random.Random) -> str:
    return "org:billing" if rng.random() < 0.1 else "org:member"


#: The Auth0 tenant's roles (``GET /api/v2/roles``): name -> id, description, and the Clerk key a
#: member with it gets (the name in lowercase, after ``org:``).
AUTH0_ROLES = {
    "Admin": ("rol_4dm1nQx7Lp2Vn9Ke", "Manages the organization", "org:admin"),
    "Member": ("rol_m3mb3rTz5Rw8Yc1J", "Uses the product", "org:member"),
    "Billing": ("rol_b1ll1ngHs6Df3Gu0", "Sees and pays the invoices", "org:billing"),
    "Support": ("rol_supp0rtNa2Xe7Mb4", "Answers the organization's tickets", "org:support"),
}
#: Members a page of ``GET /api/v2/organizations/{id}/members`` holds (checkpoint ``take``).
MEMBERS_PER_PAGE = 20
ORGANIZATIONS_PER_PAGE = 50
_ID_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class Auth0Organizations:
    """An Auth0 tenant's organizations, members and roles as its Management API answers them,
    saved a file per call, and what a migration of them should end with."""

    #: ``GET /api/v2/organizations?include_totals=true``: its pages, one a line.
    organizations: Path
    #: ``GET /api/v2/organizations/{id}/members?fields=user_id,roles`` (checkpoint pages, each
    #: with the ``organization_id`` it was called with), one page a line.
    members: Path
    #: ``GET /api/v2/roles``.
    roles: Path
    #: The custom role's permissions, in Clerk's names (Auth0's roles carry none).
    clerk_roles: Path
    #: ``(organization id, user id) -> Clerk role`` for every member the answers give.
    expected: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Organization ids, and the slugs Clerk gets.
    slugs: dict[str, str] = field(default_factory=dict)
    #: The most members one organization has: the instance's member limit must allow it.
    largest: int = 0


def generate_auth0_organizations(
    directory: Path,
    user_ids: list[str],
    organizations: int,
    memberships: int,
    *,
    seed: int = 2026,
    max_members: int = 50,
) -> Auth0Organizations:
    """Write ``organizations.json``, ``members.ndjson``, ``roles.json`` and ``clerk-roles.jsonl``
    into ``directory``.

    About ``memberships`` members drawn from ``user_ids`` (each user once per organization, at
    most ``max_members`` in one): the first an ``Admin``, the others with no role (Clerk's
    ``org:member``), ``Member``, ``Billing`` (a custom role, whose permissions
    ``clerk-roles.jsonl`` gives), ``Support`` (a custom role Auth0's roles describe), or two roles
    (``Billing`` and ``Admin``: Clerk keeps one). Auth0 names hold ``-`` or ``_`` (a slug has no
    ``_``); some organizations have branding, all have metadata.
    """
    rng = random.Random(seed)
    export = Auth0Organizations(
        directory / "organizations.json",
        directory / "members.ndjson",
        directory / "roles.json",
        directory / "clerk-roles.jsonl",
    )
    tenant = [{"id": role_id, "name": name, "description": description}
              for name, (role_id, description, _) in AUTH0_ROLES.items()]  # fmt: skip
    export.roles.write_text(json.dumps(tenant) + "\n")
    export.clerk_roles.write_text(json.dumps(BILLING_ROLE) + "\n")
    sizes = _sizes(rng, organizations, memberships, min(max_members, len(user_ids)))
    export.largest = max(sizes, default=0)
    page: list[dict[str, Any]] = []
    with open(export.organizations, "w") as orgs, open(export.members, "w") as members:
        for index, size in enumerate(sizes):
            organization = _auth0_organization(rng, index)
            export.slugs[organization["id"]] = organization["name"].replace("_", "-")
            page.append(organization)
            if len(page) == ORGANIZATIONS_PER_PAGE or index == len(sizes) - 1:
                start = index + 1 - len(page)
                orgs.write(json.dumps({"organizations": page, "start": start,
                    "limit": ORGANIZATIONS_PER_PAGE, "total": len(sizes)}) + "\n")  # fmt: skip
                page = []
            chosen = rng.sample(user_ids, size)
            listed = []
            for position, user_id in enumerate(chosen):
                roles = ["Admin"] if position == 0 else _auth0_roles(rng)
                listed.append({"user_id": user_id, "roles": [
                    {"id": AUTH0_ROLES[name][0], "name": name} for name in roles]})  # fmt: skip
                export.expected[(organization["id"], user_id)] = _clerk_role(roles)
            for first in range(0, size, MEMBERS_PER_PAGE):
                answer: dict[str, Any] = {
                    "organization_id": organization["id"],
                    "members": listed[first : first + MEMBERS_PER_PAGE],
                }
                if first + MEMBERS_PER_PAGE < size:
                    answer["next"] = _auth0_id(rng, 24)
                members.write(json.dumps(answer) + "\n")
    return export


def _auth0_organization(rng: random.Random, index: int) -> dict[str, Any]:
    company, last = rng.choice(COMPANIES), rng.choice(LAST)
    joiner = "_" if index % 5 == 4 else "-"
    organization: dict[str, Any] = {
        "id": f"org_{_auth0_id(rng, 16)}",
        "name": joiner.join((company, last, str(index))).lower(),
        "display_name": f"{company} {last} {index}",
    }
    if index % 10 == 0:
        organization["branding"] = {
            "logo_url": f"https://team{index}.example.com/logo.png",
            "colors": {"primary": f"#{rng.randrange(1 << 24):06x}", "page_background": "#ffffff"},
        }
    organization["metadata"] = {"plan": rng.choice(PLANS)}  # Auth0's metadata: string values
    return organization


def _auth0_id(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_ID_CHARACTERS) for _ in range(length))


def _auth0_roles(rng: random.Random) -> list[str]:
    draw = rng.random()
    for below, roles in ((0.10, ["Billing"]), (0.14, ["Support"]), (0.17, ["Billing", "Admin"]),
                         (0.35, ["Member"])):  # fmt: skip
        if draw < below:
            return roles
    return []


def _clerk_role(roles: list[str]) -> str:
    """The one role Clerk gives a member of these Auth0 roles: admin if one is, else the first."""
    keys = [AUTH0_ROLES[name][2] for name in roles]
    return "org:admin" if "org:admin" in keys else next(iter(keys), "org:member")
