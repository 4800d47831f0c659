"""Which source a record's keys look like, to say so when ``--from`` names another one."""

from __future__ import annotations

from collections.abc import Collection

from clerk_async.migrate.records import SourceName

__all__ = ["guess_source"]

#: Keys only one source's exports have, most telling first.
_TELLING: tuple[tuple[str, SourceName], ...] = (
    ("localId", "firebase"),
    ("user_id", "auth0"),
    ("passwordHash", "auth0"),  # the password-hash export, keyed by _id
    ("Username", "cognito"),
    ("Attributes", "cognito"),
    ("cognito:username", "cognito"),
    ("encrypted_password", "supabase"),
    ("raw_user_meta_data", "supabase"),
    ("email_confirmed_at", "supabase"),
    ("primary_email_address", "clerk"),
    ("verified_email_addresses", "clerk"),
    ("emailVerified", "authjs"),
    ("external_id", "jsonl"),
    ("email_address", "jsonl"),
)


def guess_source(keys: Collection[str]) -> SourceName | None:
    """The source whose exports have records with these keys, if one is recognisable."""
    return next((source for key, source in _TELLING if key in keys), None)
