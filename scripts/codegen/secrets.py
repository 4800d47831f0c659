"""Which generated fields hold credentials, by the config's rules; every look-alike is reviewed.

A secret field is hidden from its model's ``repr`` (``clerk_async._model.Model.secret_fields``)
and still sent and encoded. The generator stops on a rule that no longer matches the spec, and on
a field whose name looks like a credential but that the config neither marks nor clears, so a
field Clerk adds later is decided by a person, not by default.
"""

from __future__ import annotations

from collections.abc import Iterable

from .config import SECRET_LOOKALIKE, Config
from .ir import StructDef
from .spec import SpecError

__all__ = ["mark_secrets"]


def mark_secrets(structs: Iterable[StructDef], config: Config) -> None:
    """Set ``Field.secret`` on every secret field of ``structs`` (every model the spec makes)."""
    matched: set[tuple[str, str]] = set()
    unreviewed: set[str] = set()
    for struct in structs:
        for field in struct.fields:
            key = (struct.name, field.wire)
            if field.wire in config.secret_names or key in config.secret_fields:
                field.secret = True
                matched.add(key)
            elif SECRET_LOOKALIKE.search(field.wire) and field.wire not in config.not_secret_names:
                unreviewed.add(f"{struct.name}.{field.wire}")
    stale = sorted(f"{name}.{wire}" for name, wire in config.secret_fields - matched)
    if stale:
        raise SpecError(f"SECRET_FIELDS names fields the spec no longer has: {', '.join(stale)}")
    if unreviewed:
        names = ", ".join(sorted(unreviewed))
        raise SpecError(
            "fields named like credentials, neither in SECRET_NAMES/SECRET_FIELDS nor in "
            f"NOT_SECRET_NAMES (decide which, in scripts/codegen/config.py): {names}"
        )
