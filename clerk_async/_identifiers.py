"""The shapes Clerk accepts for identifiers, written once: the emulator enforces them as Clerk
does, and the migration's mapping checks records against them before anything is sent."""

from __future__ import annotations

import re

__all__ = [
    "BLOCKED_DOMAINS",
    "COMMON_DOMAINS",
    "DOMAIN_NAME",
    "EMAIL",
    "ORGANIZATION_SLUG",
    "PERMISSION_KEY",
    "PHONE",
    "ROLE_KEY",
    "USERNAME",
    "WEB3_WALLET",
]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
#: E.164: a ``+``, then 7 to 15 digits, the first not 0.
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
#: 4 to 64 letters, digits, ``_``, ``-`` or ``.``.
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{4,64}$")
WEB3_WALLET = re.compile(r"^0x[0-9a-fA-F]{40}$")
#: Lowercase letters and digits in words joined by single dashes.
ORGANIZATION_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: ``org:`` then lowercase letters, digits and underscores.
ROLE_KEY = re.compile(r"^org:[a-z0-9_]+$")
#: ``org:<feature>:<action>``, each part lowercase letters, digits and underscores.
PERMISSION_KEY = re.compile(r"^org:([a-z0-9_]+):([a-z0-9_]+)$")
#: An organization domain: a lowercase host name with a top-level domain.
DOMAIN_NAME = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
#: Email providers whose domain belongs to no organization (a sample of Clerk's lists).
COMMON_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
     "msn.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com",
     "mail.com", "yandex.com", "zoho.com"}
)  # fmt: skip
#: Disposable email providers, refused as well.
BLOCKED_DOMAINS = frozenset(
    {"mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "tempmail.com",
     "trashmail.com", "sharklasers.com"}
)  # fmt: skip
