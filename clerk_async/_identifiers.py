"""The shapes Clerk accepts for identifiers, written once: the emulator enforces them as Clerk
does, and the migration's mapping checks records against them before anything is sent."""

from __future__ import annotations

import re

__all__ = ["EMAIL", "PHONE", "USERNAME", "WEB3_WALLET"]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
#: E.164: a ``+``, then 7 to 15 digits, the first not 0.
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
#: 4 to 64 letters, digits, ``_``, ``-`` or ``.``.
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{4,64}$")
WEB3_WALLET = re.compile(r"^0x[0-9a-fA-F]{40}$")
