"""Bulk migration of users, organizations and memberships into Clerk (not mirrored: async only).

The front end is pure and documented in :mod:`clerk_async.migrate.records`: readers stream
records from a source's export files, the mapping turns each into a validated request
(``CreateUserRequest``, ``CreateOrganizationRequest``, a membership's user, organization and
role). The engine imports them exactly once: :func:`migrate` (the runner) on a :class:`Journal`
(SQLite), with :func:`preflight`, :func:`rollback`, :func:`export_users` and :func:`write_report`
around it; ``clerk-migrate`` is the command line on top (:mod:`clerk_async.migrate.cli`).

The names below are imported on first use, so that the readers work without the engine's
dependencies (anyio, and the async client).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .export import export_memberships, export_organizations, export_users
    from .inputs import MigrationInput
    from .journal import Journal
    from .mapping import map_record
    from .plan import Preflight, preflight
    from .readers import read_roles, read_source
    from .report import Summary, write_report
    from .rollback import RollbackSummary, rollback
    from .runner import MigrationAborted, Progress, migrate

__all__ = [
    "Journal",
    "MigrationAborted",
    "MigrationInput",
    "Preflight",
    "Progress",
    "RollbackSummary",
    "Summary",
    "export_memberships",
    "export_organizations",
    "export_users",
    "map_record",
    "migrate",
    "preflight",
    "read_roles",
    "read_source",
    "rollback",
    "write_report",
]

_HOMES = {
    "Journal": "journal",
    "MigrationAborted": "runner",
    "MigrationInput": "inputs",
    "Preflight": "plan",
    "Progress": "runner",
    "RollbackSummary": "rollback",
    "Summary": "report",
    "export_memberships": "export",
    "export_organizations": "export",
    "export_users": "export",
    "map_record": "mapping",
    "migrate": "runner",
    "preflight": "plan",
    "read_roles": "readers",
    "read_source": "readers",
    "rollback": "rollback",
    "write_report": "report",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'clerk_async.migrate' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
