"""Property: whatever bytes a file holds, in any format and for any ``--from``, gzipped or not, the
readers and the mapping give only their documented outcomes: records, skipped records, invalid
records, or a ``SourceError`` for the whole file; never another exception, a hang or a blown stack.

The examples come from the hypothesis profile (``HYPOTHESIS_PROFILE``, see tests/conftest.py):
a small fixed set by default, many more with ``long``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.plan import entry_for
from clerk_async.migrate.readers import read_source
from clerk_async.migrate.records import (
    SOURCES,
    InvalidRecord,
    MappedUser,
    SkippedRecord,
    SourceError,
    SourceRecord,
)

#: Field names the sources read, so that generated records reach the readers' conversions.
KEYS = (
    "id", "external_id", "user_id", "localId", "Username", "Attributes", "Users", "users",
    "email", "email_address", "email_verified", "emailVerified", "phone", "phone_number",
    "phone_verified", "username", "name", "displayName", "given_name", "first_name", "last_name",
    "created_at", "createdAt", "UserCreateDate", "passwordHash", "password_digest",
    "password_hasher", "encrypted_password", "salt", "totp_secret", "backup_codes", "banned",
    "blocked", "disabled", "Enabled", "UserStatus", "deleted_at", "is_anonymous", "banned_until",
    "app_metadata", "user_metadata", "public_metadata", "raw_user_meta_data", "customAttributes",
    "primary_email_address", "verified_email_addresses", "identifiers", "_id", "alt_id",
    "email_confirmed_at", "Name", "Value", "$date", "$oid", "model", "pk", "fields", "password",
    "password_hash", "date_joined", "is_active",
)  # fmt: skip
FILE_ERRORS = (SourceError,)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["true", "t", "", "+14155550101", "a@example.com", "2021-03-04T05:06:07Z",
                       "1614834367890", "$2b$10$" + "a" * 53, "{}", "[1]", "REDACTED"])
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=25,
)
json_records = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=10)


@st.composite
def export_files(draw: st.DrawFn) -> bytes:
    """A file a source might write (or nearly): NDJSON, a JSON array or page, CSV, or noise."""
    shape = draw(st.sampled_from(["ndjson", "array", "page", "csv", "text", "bytes"]))
    if shape == "bytes":
        return draw(st.binary(max_size=600))
    if shape == "text":
        alphabet = st.sampled_from([*'{}[]",:#\n\r\\ abc01@+$', "\ufeff", "\x00", "é"])
        return draw(st.text(alphabet, max_size=300)).encode()
    users = draw(st.lists(json_records, max_size=5))
    if shape == "ndjson":
        return "".join(json.dumps(user) + "\n" for user in users).encode()
    if shape == "array":
        return json.dumps(users, indent=draw(st.sampled_from([None, 2]))).encode()
    if shape == "page":
        return json.dumps({draw(st.sampled_from(["users", "Users"])): users}).encode()
    columns = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=8, unique=True))
    cells = st.text(st.sampled_from([*'ab,"#\n1@+ ', "é"]), max_size=12)
    rows = draw(st.lists(st.lists(cells, max_size=len(columns) + 2), max_size=5))
    out = io.StringIO()
    if draw(st.booleans()):
        out.write("# " + draw(st.text(max_size=20)).replace("\n", " ") + "\n")
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="untrusted-") as name:
        yield Path(name)


def read_everything(source: str, path: Path, **options: Any) -> None:
    """Read and map every record; only the documented outcomes may come out."""
    try:
        items = list(read_source(source, [path], **options))
    except FILE_ERRORS:
        return
    for item in items:
        assert isinstance(item, (SourceRecord, SkippedRecord))
        if isinstance(item, SourceRecord):
            outcome = map_record(item)
            assert isinstance(outcome, (MappedUser, InvalidRecord))
            entry_for(outcome)
        else:
            entry_for(item)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=export_files(), source=st.sampled_from(SOURCES), gz=st.booleans())
def test_any_file_gives_only_documented_outcomes(
    scratch: Path, content: bytes, source: str, gz: bool
) -> None:
    path = scratch / "export"
    path.write_bytes(gzip.compress(content) if gz else content)

    read_everything(source, path)
    if source == "auth0":  # the same bytes as the password-hash export
        read_everything(source, path, password_hashes=path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000), source=st.sampled_from(SOURCES))
def test_any_bytes_give_only_documented_outcomes(
    scratch: Path, content: bytes, source: str
) -> None:
    path = scratch / "bytes"
    path.write_bytes(content)

    read_everything(source, path)


DEEP = 30_000
NESTED = [
    b"[" * DEEP,
    b"[" * DEEP + b"]" * DEEP,
    b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"\n",
    b'{"id": "x", "email": "a@b.co"}\n' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"\n",
    b'[{"user_id": "x", "app_metadata": ' + b"[" * DEEP + b"]" * DEEP + b"}]",
    b'{"users": ' + b"[" * DEEP,
    b'[{"id": "x", "created_at": ' + b'{"$date": ' * DEEP + b"1" + b"}" * DEEP + b"}]",
    b'external_id,email_address,public_metadata\nx,a@b.co,"' + b"[" * DEEP + b'"\n',
]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("content", NESTED, ids=range(len(NESTED)))
def test_nesting_never_blows_the_stack(tmp_path: Path, source: str, content: bytes) -> None:
    path = tmp_path / "deep"
    path.write_bytes(content)

    read_everything(source, path)
