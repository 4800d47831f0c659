"""Django's groups as organizations or as roles, from the users' own ``dumpdata`` records.

A dumpdata user record keeps its groups in ``fields.groups``: the groups' ids, or their natural
keys (``[["Editors"]]``, with ``--natural-foreign``). The dump of ``auth.group``
(``manage.py dumpdata auth.group``, ``groups``) names them; a dump of both models in one file
does as well (its user records are not groups, and its group records are not users).

- ``groups_as="organizations"``: one organization per group (its name is the group's, its slug
  made from the name, its source id the group's name), each user a member of each of their
  groups with ``group_role`` (``org:member`` unless given).
- ``groups_as="roles"``: one organization, ``groups_organization``, and every user a member of it,
  with a role made from their group's name (``Content Editors`` -> ``org:content_editors``), or
  ``org:member`` for a user in no group (or only in groups the dump does not hold: a note says
  which). Clerk gives a membership one role: of several groups, the first is the role (or the one
  that makes ``org:admin``) and a note names the others.

A CSV of ``auth_user`` has no groups (they are in the ``auth_user_groups`` table): its users are
imported without memberships.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from clerk_async._identifiers import ROLE_KEY
from clerk_async.migrate.readers._common import PathLike, ReaderOptions, Skip, records
from clerk_async.migrate.readers._files import RawItem, iter_items
from clerk_async.migrate.readers._roles import MEMBER, choose_role, role_key
from clerk_async.migrate.readers._values import text
from clerk_async.migrate.readers.django import user_of
from clerk_async.migrate.records import (
    MembershipDraft,
    OrganizationDraft,
    SkippedRecord,
    SourceError,
    SourceFileError,
    SourceRecord,
    membership_key,
)

__all__ = ["MAX_GROUPS", "check_options", "read"]

#: Groups one dump may hold (they are kept in memory to name the users' groups).
MAX_GROUPS = 100_000
_MODES = ("organizations", "roles")


def check_options(options: ReaderOptions, other_files: bool) -> None:
    """Refuse options that do not go together, before anything is read."""
    mode = options.groups_as
    if mode is None:
        raise SourceError("groups (the auth.group dump) is read with groups_as.")
    if mode not in _MODES:
        raise SourceError("groups_as is organizations or roles.")
    if options.groups is None:
        raise SourceError(
            "groups_as needs groups: the dump of auth.group (manage.py dumpdata auth.group)."
        )
    if other_files:
        raise SourceError(
            "groups_as makes the organizations and memberships: give no organizations or "
            "memberships files."
        )
    if mode == "roles" and options.groups_organization is None:
        raise SourceError("groups_as roles needs groups_organization: the one organization's name.")
    if mode == "roles" and options.group_role is not None:
        raise SourceError("group_role is the role of groups_as organizations; with roles, the "
                          "group is the role.")  # fmt: skip
    if mode == "organizations" and options.groups_organization is not None:
        raise SourceError("groups_organization is the one organization of groups_as roles.")
    if options.group_role is not None and not ROLE_KEY.match(options.group_role):
        raise SourceError(f"group_role {options.group_role!r} is not a Clerk role key (org:...).")


def read(
    user_paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    """The organizations, then the memberships, that the users' groups make."""
    assert options.groups is not None
    names, organizations = _groups(options.groups)
    paths = list(user_paths)
    if options.groups_as == "roles":
        name = str(options.groups_organization)
        yield SourceRecord(
            source="django",
            source_id=name,
            file="groups_organization",
            line=0,
            index=1,
            draft=OrganizationDraft(name=name),
            fields={"name": name},
        )
        yield from records("django", paths, _membership, None, kind="membership",
                           expand=lambda fields: _as_roles(fields, names, name))  # fmt: skip
        return
    yield from organizations
    role = options.group_role or MEMBER
    yield from records("django", paths, _membership, None, kind="membership",
                       expand=lambda fields: _as_organizations(fields, names, role))  # fmt: skip


def _groups(path: PathLike) -> tuple[dict[str, str], list[SourceRecord]]:
    """Group names by pk, and an organization record per group."""
    names: dict[str, str] = {}
    organizations: list[SourceRecord] = []
    for item in iter_items(path):
        if not isinstance(item, RawItem) or text(item.fields.get("model")) != "auth.group":
            continue
        inner = item.fields.get("fields")
        name = text(inner.get("name")) if isinstance(inner, dict) else None
        if name is None:
            raise SourceFileError(f"{item.file} record {item.index}: a group without a name")
        pk = text(item.fields.get("pk"))
        if pk is not None:
            names[pk] = name
        organizations.append(
            SourceRecord(
                source="django",
                source_id=name,
                file=item.file,
                line=item.line,
                index=item.index,
                draft=OrganizationDraft(name=name),
                fields=item.fields,
            )
        )
        if len(organizations) > MAX_GROUPS:
            raise SourceFileError(f"{item.file}: more than {MAX_GROUPS:,} groups")
    if not organizations:
        raise SourceFileError(
            f"{path}: no auth.group records (make it with manage.py dumpdata auth.group)"
        )
    return names, organizations


def _group_names(found: dict[str, Any], names: dict[str, str]) -> list[tuple[str, bool]]:
    """The user's groups as ``(name, known)``: a natural key is its name; an id is looked up."""
    refs = found.get("groups")
    out: list[tuple[str, bool]] = []
    for ref in refs if isinstance(refs, list) else ():
        if isinstance(ref, list) and len(ref) == 1 and text(ref[0]) is not None:
            out.append((str(text(ref[0])), True))
        elif (key := text(ref)) is not None:
            out.append((names[key], True) if key in names else (f"group {key}", False))
    return out


def _as_organizations(fields: dict[str, Any], names: dict[str, str], role: str
                      ) -> list[dict[str, Any]]:  # fmt: skip
    user = user_of(fields)
    if user is None:
        return []
    user_id, found = user
    memberships = []
    for name, known in _group_names(found, names):
        note = None if known else f"{name} is not in the auth.group dump"
        memberships.append({"user": user_id, "organization": name, "role": role, "note": note})
    return memberships


def _as_roles(fields: dict[str, Any], names: dict[str, str], organization: str
              ) -> list[dict[str, Any]]:  # fmt: skip
    user = user_of(fields)
    if user is None:
        return []
    user_id, found = user
    groups = _group_names(found, names)
    choice = choose_role(role_key(name, {}) for name, known in groups if known)
    missing = [name for name, known in groups if not known]
    notes = [choice.note] if choice.note else []
    if missing:
        notes.append(f"{', '.join(missing)} not in the auth.group dump")
    return [{"user": user_id, "organization": organization, "role": choice.role,
             "note": "; ".join(notes) or None}]  # fmt: skip


def _membership(fields: dict[str, Any]) -> tuple[str, MembershipDraft] | Skip:
    user, organization = str(fields["user"]), str(fields["organization"])
    note = fields.get("note")
    return membership_key(organization, user), MembershipDraft(
        user=user,
        organization=organization,
        role=str(fields["role"]),
        notes=(str(note),) if note else (),
    )
