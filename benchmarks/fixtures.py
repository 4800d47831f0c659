"""Realistic Clerk ``User`` objects, built deterministically and encoded once.

Every user carries what the spec's ``User`` schema describes for a real account: verified email
addresses (one linked to a Google account), a phone number, a web3 wallet or a passkey for some,
an external account with its OAuth verification, and public, private and unsafe metadata. The same
seed gives the same bytes, so every contender decodes identical pages.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

__all__ = [
    "PAGE_SIZE",
    "POSITION_MARK",
    "create_body",
    "fill_page",
    "make_user",
    "page_bytes",
    "page_template",
    "position_of",
    "user_bytes",
]

#: Clerk's largest ``limit``, the page size W1 and W4 use.
PAGE_SIZE = 500
_ALPHABET = string.ascii_letters + string.digits
_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Linus"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]
_DOMAINS = ["example.com", "acme.io", "initech.dev", "globex.org"]
_BASE_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
#: Stands for a user's position in the list inside the ids of a page template (10 digits wide).
POSITION_MARK = b"##########"


def _ident(rng: random.Random, prefix: str) -> str:
    return prefix + "_2" + "".join(rng.choices(_ALPHABET, k=26))


def _otp_verification(rng: random.Random, strategy: str, at: int) -> dict[str, Any]:
    return {
        "object": "verification_otp",
        "status": "verified",
        "strategy": strategy,
        "attempts": rng.randint(1, 3),
        "expire_at": at + 600_000,
        "verified_at_client": None,
    }


def _email(
    rng: random.Random, address: str, at: int, linked: list[dict[str, str]]
) -> dict[str, Any]:
    if linked:
        verification: dict[str, Any] = {
            "object": "verification_from_oauth",
            "status": "verified",
            "strategy": "from_oauth_google",
            "attempts": None,
            "expire_at": None,
            "error": None,
            "verified_at_client": None,
        }
    else:
        verification = _otp_verification(rng, "email_code", at)
    return {
        "id": _ident(rng, "idn"),
        "object": "email_address",
        "email_address": address,
        "reserved": False,
        "verification": verification,
        "linked_to": linked,
        "matches_sso_connection": False,
        "created_at": at,
        "updated_at": at + rng.randint(0, 90_000),
    }


def make_user(rng: random.Random, user_id: str) -> dict[str, Any]:
    """One user, as ``GET /v1/users/{user_id}`` returns it."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    username = f"{first}.{last}{rng.randint(1, 9999)}".lower()
    domain = rng.choice(_DOMAINS)
    created = _BASE_MS + rng.randint(0, 300 * 86_400_000)
    updated = created + rng.randint(0, 30 * 86_400_000)
    image = "https://img.clerk.com/" + "".join(rng.choices(_ALPHABET, k=120))

    google_id = _ident(rng, "idn")
    gmail = f"{username}@gmail.com"
    emails = [_email(rng, f"{username}@{domain}", created, [])]
    external_accounts: list[dict[str, Any]] = []
    if rng.random() < 0.7:
        emails.append(_email(rng, gmail, created, [{"type": "oauth_google", "id": google_id}]))
        external_accounts.append(
            {
                "object": "external_account",
                "id": google_id,
                "provider": "oauth_google",
                "identification_id": emails[-1]["id"],
                "provider_user_id": str(rng.randint(10**20, 10**21)),
                "approved_scopes": "email https://www.googleapis.com/auth/userinfo.email "
                "https://www.googleapis.com/auth/userinfo.profile openid profile",
                "email_address": gmail,
                "email_address_verified": True,
                "first_name": first,
                "last_name": last,
                "avatar_url": "https://lh3.googleusercontent.com/a/" + google_id,
                "image_url": image,
                "username": None,
                "phone_number": None,
                "public_metadata": {},
                "label": None,
                "created_at": created,
                "updated_at": updated,
                "verification": {
                    "object": "verification_oauth",
                    "status": "verified",
                    "strategy": "oauth_google",
                    "attempts": None,
                    "expire_at": created + 600_000,
                    "error": None,
                    "verified_at_client": None,
                },
            }
        )

    phones: list[dict[str, Any]] = []
    if rng.random() < 0.6:
        phones.append(
            {
                "id": _ident(rng, "idn"),
                "object": "phone_number",
                "phone_number": f"+1555{rng.randint(1_000_000, 9_999_999)}",
                "reserved_for_second_factor": True,
                "default_second_factor": True,
                "reserved": False,
                "verification": _otp_verification(rng, "phone_code", created),
                "linked_to": [],
                "backup_codes": None,
                "created_at": created,
                "updated_at": updated,
            }
        )

    wallets: list[dict[str, Any]] = []
    if rng.random() < 0.3:
        wallets.append(
            {
                "id": _ident(rng, "idn"),
                "object": "web3_wallet",
                "web3_wallet": "0x" + "".join(rng.choices("0123456789abcdef", k=40)),
                "verification": {
                    "object": "verification_web3",
                    "status": "verified",
                    "strategy": "web3_metamask_signature",
                    "nonce": None,
                    "message": None,
                    "attempts": 1,
                    "expire_at": created + 600_000,
                    "verified_at_client": None,
                },
                "created_at": created,
                "updated_at": updated,
            }
        )

    passkeys: list[dict[str, Any]] = []
    if rng.random() < 0.2:
        passkeys.append(
            {
                "id": _ident(rng, "pk"),
                "object": "passkey",
                "name": "iCloud Keychain",
                "last_used_at": updated,
                "verification": {
                    "object": "verification_passkey",
                    "status": "verified",
                    "strategy": "passkey",
                    "nonce": "nonce",
                    "message": None,
                    "attempts": 1,
                    "expire_at": None,
                    "verified_at_client": None,
                },
            }
        )

    two_factor = bool(phones) and rng.random() < 0.5
    return {
        "id": user_id,
        "object": "user",
        "external_id": f"crm-{rng.randint(100_000, 999_999)}" if rng.random() < 0.5 else None,
        "primary_email_address_id": emails[0]["id"],
        "primary_phone_number_id": phones[0]["id"] if phones else None,
        "primary_web3_wallet_id": wallets[0]["id"] if wallets else None,
        "username": username,
        "first_name": first,
        "last_name": last,
        "locale": rng.choice([None, "en-US", "fr-FR"]),
        "profile_image_url": image,
        "image_url": image,
        "has_image": True,
        "public_metadata": {
            "plan": rng.choice(["free", "pro", "team"]),
            "seats": rng.randint(1, 50),
            "features": rng.sample(["sso", "audit_log", "export", "api", "webhooks"], 3),
        },
        "private_metadata": {
            "stripe_customer_id": "cus_" + "".join(rng.choices(_ALPHABET, k=14)),
            "crm": {"owner": rng.choice(_FIRST), "score": round(rng.random() * 100, 2)},
        },
        "unsafe_metadata": {"onboarding": {"step": rng.randint(1, 5), "skipped": False}},
        "email_addresses": emails,
        "phone_numbers": phones,
        "web3_wallets": wallets,
        "passkeys": passkeys,
        "password_enabled": rng.random() < 0.8,
        "two_factor_enabled": two_factor,
        "totp_enabled": False,
        "backup_code_enabled": two_factor,
        "mfa_enabled_at": updated if two_factor else None,
        "mfa_disabled_at": None,
        "password_last_updated_at": created,
        "external_accounts": external_accounts,
        "saml_accounts": [],
        "enterprise_accounts": [],
        "last_sign_in_at": updated,
        "banned": False,
        "locked": False,
        "deprovisioned": False,
        "lockout_expires_in_seconds": None,
        "verification_attempts_remaining": 100,
        "updated_at": updated,
        "created_at": created,
        "delete_self_enabled": True,
        "create_organization_enabled": True,
        "create_organizations_limit": None,
        "last_active_at": updated,
        "legal_accepted_at": created,
        "bypass_client_trust": False,
    }


def position_of(user_id: str) -> int | None:
    """The list position a user id of a filled page template holds (``None`` for another id)."""
    digits = user_id[6:16]
    if not user_id.startswith("user_2") or len(digits) != 10 or not digits.isdigit():
        return None
    return int(digits)


def page_template(count: int = PAGE_SIZE) -> bytes:
    """A bare JSON array of ``count`` users whose ids hold :data:`POSITION_MARK` for a position.

    Fill the marks with :func:`fill_page`; the marks are as wide as the positions that replace
    them, so the page keeps its length.
    """
    rng = random.Random(5)
    mark = POSITION_MARK.decode()
    suffixes = ["".join(rng.choices(_ALPHABET, k=16)) for _ in range(count)]
    items = [make_user(rng, "user_2" + mark + suffix) for suffix in suffixes]
    return _dumps(items)


def fill_page(segments: list[bytes], start: int) -> bytes:
    """Join a template split on :data:`POSITION_MARK`, numbering its users from ``start``."""
    parts = [segments[0]]
    for index, segment in enumerate(segments[1:]):
        parts.append(b"%010d" % (start + index))
        parts.append(segment)
    return b"".join(parts)


def page_bytes(count: int = PAGE_SIZE, start: int = 0) -> bytes:
    """``GET /v1/users?limit=count&offset=start``: a bare JSON array of ``count`` users."""
    return fill_page(page_template(count).split(POSITION_MARK), start)


def user_bytes() -> bytes:
    """One user, as ``GET /v1/users/{user_id}`` and ``POST /v1/users`` return it."""
    return _dumps(make_user(random.Random(7), "user_2Zk9qTbVn3LcXw8RfYh1JmP4sDe"))


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def create_body(index: int) -> dict[str, Any]:
    """The fields W5 sends to ``POST /v1/users`` (as keyword arguments of ``users.create``)."""
    return {
        "email_address": [f"bench.user{index}@example.com"],
        "first_name": "Bench",
        "last_name": f"User{index}",
        "external_id": f"bench-{index}",
        "public_metadata": {"plan": "pro", "seats": 3},
        "skip_password_requirement": True,
    }
