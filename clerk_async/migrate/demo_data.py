"""A realistic Auth0 export for the demo and the benchmarks: profiles, password hashes, mistakes.

What Auth0 hands over: the bulk user export (NDJSON, gzipped, one profile a line: database users
``auth0|<24 hex>`` and social ones ``google-oauth2|<21 digits>``), and, from support, the
password-hash export (NDJSON keyed by ``_id.$oid``, bcrypt digests). A few records are broken the
way real exports are: an address that is not one, a phone without its ``+``, a user with no id,
the same email on two profiles. The data is generated (seeded), never real.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Auth0Export", "generate_auth0_export", "generate_jsonl"]

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
