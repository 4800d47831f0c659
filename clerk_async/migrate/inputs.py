"""A migration's input: a source and its files, readable again and again, with a fingerprint.

The journal never stores a record (it would copy password digests into one more file), so every
run reads the input anew; the fingerprint (SHA-256 over the source, the options and every byte of
every file) is what lets a resumed run trust that record 41,017 is still the same record.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerk_async.migrate.readers import read_roles, read_source
from clerk_async.migrate.records import (
    RoleDefinition,
    SkippedRecord,
    SourceFileError,
    SourceRecord,
)

from .states import JournalStateError

__all__ = ["MigrationInput"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class MigrationInput:
    """``--from SOURCE FILE...`` and the options that change what the files mean."""

    source: str
    files: tuple[str, ...]
    password_hashes: str | None = None
    hash_config: str | None = None
    cognito_user_pool_id: str | None = None
    cognito_client_id: str | None = None
    cognito_identifier: str = "username"
    #: werkzeug: ``(role, column name)`` pairs, sorted.
    columns: tuple[tuple[str, str], ...] = ()
    #: Files of organizations, of memberships and of role definitions.
    organizations: tuple[str, ...] = ()
    memberships: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    #: auth0, betterauth: ``(source role, Clerk role key)`` pairs, sorted.
    role_map: tuple[tuple[str, str], ...] = ()
    #: django: what groups become, the ``auth.group`` dump, the one organization, the role.
    groups_as: str | None = None
    groups: str | None = None
    groups_organization: str | None = None
    group_role: str | None = None

    @classmethod
    def of(
        cls,
        source: str,
        files: list[str | os.PathLike[str]] | tuple[str | os.PathLike[str], ...],
        *,
        password_hashes: str | os.PathLike[str] | None = None,
        hash_config: str | os.PathLike[str] | None = None,
        cognito_user_pool_id: str | None = None,
        cognito_client_id: str | None = None,
        cognito_identifier: str = "username",
        columns: Mapping[str, str] | None = None,
        organizations: Iterable[str | os.PathLike[str]] = (),
        memberships: Iterable[str | os.PathLike[str]] = (),
        roles: Iterable[str | os.PathLike[str]] = (),
        role_map: Mapping[str, str] | None = None,
        groups_as: str | None = None,
        groups: str | os.PathLike[str] | None = None,
        groups_organization: str | None = None,
        group_role: str | None = None,
    ) -> MigrationInput:
        """Paths made absolute, so a resume from another directory finds the same files."""
        return cls(
            source=source,
            files=tuple(_absolute(path) for path in files),
            password_hashes=None if password_hashes is None else _absolute(password_hashes),
            hash_config=None if hash_config is None else _absolute(hash_config),
            cognito_user_pool_id=cognito_user_pool_id,
            cognito_client_id=cognito_client_id,
            cognito_identifier=cognito_identifier,
            columns=tuple(sorted((columns or {}).items())),
            organizations=tuple(_absolute(path) for path in organizations),
            memberships=tuple(_absolute(path) for path in memberships),
            roles=tuple(_absolute(path) for path in roles),
            role_map=tuple(sorted((role_map or {}).items())),
            groups_as=groups_as,
            groups=None if groups is None else _absolute(groups),
            groups_organization=groups_organization,
            group_role=group_role,
        )

    @classmethod
    def from_description(cls, description: dict[str, Any]) -> MigrationInput:
        """The input a journal was started from (``Journal.input_description()``)."""
        try:
            return cls(
                source=str(description["source"]),
                files=tuple(str(path) for path in description["files"]),
                password_hashes=description.get("password_hashes"),
                hash_config=description.get("hash_config"),
                cognito_user_pool_id=description.get("cognito_user_pool_id"),
                cognito_client_id=description.get("cognito_client_id"),
                cognito_identifier=description.get("cognito_identifier") or "username",
                columns=tuple(sorted(dict(description.get("columns") or {}).items())),
                organizations=tuple(str(path) for path in description.get("organizations") or ()),
                memberships=tuple(str(path) for path in description.get("memberships") or ()),
                roles=tuple(str(path) for path in description.get("roles") or ()),
                role_map=tuple(sorted(dict(description.get("role_map") or {}).items())),
                groups_as=description.get("groups_as"),
                groups=description.get("groups"),
                groups_organization=description.get("groups_organization"),
                group_role=description.get("group_role"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise JournalStateError(f"the journal's input description is damaged: {exc}") from None

    def description(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "files": list(self.files),
            "password_hashes": self.password_hashes,
            "hash_config": self.hash_config,
            "cognito_user_pool_id": self.cognito_user_pool_id,
            "cognito_client_id": self.cognito_client_id,
            "cognito_identifier": self.cognito_identifier,
            "columns": dict(self.columns),
            "organizations": list(self.organizations),
            "memberships": list(self.memberships),
            "roles": list(self.roles),
            "role_map": dict(self.role_map),
            "groups_as": self.groups_as,
            "groups": self.groups,
            "groups_organization": self.groups_organization,
            "group_role": self.group_role,
        }

    @property
    def all_files(self) -> tuple[str, ...]:
        """Every file of records: users, organizations, memberships."""
        return (*self.files, *self.organizations, *self.memberships)

    def role_definitions(self) -> list[RoleDefinition]:
        """The custom roles the ``roles`` files describe."""
        if not self.roles:
            return []
        return read_roles(self.source, self.roles, role_map=dict(self.role_map))

    def __iter__(self) -> Iterator[SourceRecord | SkippedRecord]:
        return read_source(
            self.source,
            self.files,
            password_hashes=self.password_hashes,
            hash_config=self.hash_config,
            cognito_user_pool_id=self.cognito_user_pool_id,
            cognito_client_id=self.cognito_client_id,
            cognito_identifier=self.cognito_identifier,  # type: ignore[arg-type]
            columns=dict(self.columns) or None,
            organizations=self.organizations,
            memberships=self.memberships,
            role_map=dict(self.role_map) or None,
            groups_as=self.groups_as,  # type: ignore[arg-type]
            groups=self.groups,
            groups_organization=self.groups_organization,
            group_role=self.group_role,
        )

    def fingerprint(self) -> str:
        """SHA-256 of the source, the options and the content of every file, in order."""
        digest = hashlib.sha256()
        for name in ("source", "cognito_user_pool_id", "cognito_client_id", "cognito_identifier"):
            digest.update(f"{name}={getattr(self, name)}\n".encode())
        if self.columns:  # absent from journals started before the option existed
            digest.update(f"columns={self.columns}\n".encode())
        for name in ("role_map", "groups_as", "groups_organization", "group_role"):
            if getattr(self, name):  # likewise: the fingerprints of earlier inputs stay
                digest.update(f"{name}={getattr(self, name)}\n".encode())
        kinds = (("organizations", self.organizations), ("memberships", self.memberships),
                 ("roles", self.roles))  # fmt: skip
        for role, path in (
            *(("file", path) for path in self.files),
            ("password_hashes", self.password_hashes),
            ("hash_config", self.hash_config),
            # absent from journals of users only, whose fingerprints stay as they were
            *((name, path) for name, paths in kinds for path in paths),
            *((("groups", self.groups),) if self.groups is not None else ()),
        ):
            digest.update(f"{role}\n".encode())
            if path is not None:
                _hash_file(digest, path)
        return digest.hexdigest()


def _absolute(path: str | os.PathLike[str]) -> str:
    return str(Path(path).expanduser().absolute())


def _hash_file(digest: Any, path: str) -> None:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise SourceFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    digest.update(b"\x00")
