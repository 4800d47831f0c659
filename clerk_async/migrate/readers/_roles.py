"""Roles of other systems as Clerk organization role keys, and one role out of several.

A source's role is a name (Auth0's ``Billing Manager``, Better Auth's ``owner``, a Django group's
``Content Editors``). Its Clerk key is the one ``role_map`` gives it (by name, or by the source's
role id), else a default the source chooses, else ``org:`` and the name in lowercase with every
run of other characters as one ``_`` (``org:billing_manager``). A name that makes no key
(``管理者``) is passed on as it is, so that the mapping reports the membership and the user can
map it with ``--role-map``.

Clerk gives a membership one role: of several, ``org:admin`` when one of them maps to it, else
the first; the others are named in a note.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["ADMIN", "MEMBER", "RoleChoice", "choose_role", "role_key"]

ADMIN = "org:admin"
MEMBER = "org:member"
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def role_key(
    name: str,
    role_map: Mapping[str, str],
    defaults: Mapping[str, str] | None = None,
    *,
    role_id: str | None = None,
) -> str:
    """The Clerk role key of the source's role ``name`` (or ``role_id``)."""
    for wanted in (role_id, name):
        if wanted is not None and wanted in role_map:
            return role_map[wanted]
    if defaults is not None and name.lower() in defaults:
        return defaults[name.lower()]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NOT_KEY.sub("_", ascii_name.lower()).strip("_")
    return f"org:{words}" if words else name


class RoleChoice:
    """The role a membership gets from the source's roles, and a note on those left out."""

    __slots__ = ("note", "role")

    def __init__(self, role: str, note: str | None = None) -> None:
        self.role = role
        self.note = note


def choose_role(keys: Iterable[str], *, default: str = MEMBER) -> RoleChoice:
    """One role of ``keys`` (mapped already), as the module says; ``default`` for none."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return RoleChoice(default)
    chosen = ADMIN if ADMIN in unique else unique[0]
    others = [key for key in unique if key != chosen]
    if not others:
        return RoleChoice(chosen)
    left = ", ".join(others)
    return RoleChoice(chosen, f"also had {left}: Clerk gives a membership one role, {chosen}")
