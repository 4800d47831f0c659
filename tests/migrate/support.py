"""Writing realistic export files for the reader tests, and reading them back."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.readers import read_source
from clerk_async.migrate.records import InvalidRecord, MappedUser, SkippedRecord, SourceRecord


def write(path: Path, text: str, *, gz: bool = False) -> Path:
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def ndjson(path: Path, rows: Iterable[dict[str, Any]], *, gz: bool = False) -> Path:
    return write(path, "".join(json.dumps(row) + "\n" for row in rows), gz=gz)


def read_all(source: str, *paths: Path, **options: Any) -> list[SourceRecord | SkippedRecord]:
    return list(read_source(source, list(paths), **options))


def records(source: str, *paths: Path, **options: Any) -> list[SourceRecord]:
    found = read_all(source, *paths, **options)
    assert all(isinstance(item, SourceRecord) for item in found), found
    return [item for item in found if isinstance(item, SourceRecord)]


def skipped(source: str, *paths: Path, **options: Any) -> list[SkippedRecord]:
    found = read_all(source, *paths, **options)
    assert all(isinstance(item, SkippedRecord) for item in found), found
    return [item for item in found if isinstance(item, SkippedRecord)]


def mapped(record: SourceRecord) -> MappedUser:
    outcome = map_record(record)
    assert isinstance(outcome, MappedUser), outcome
    return outcome


def invalid(record: SourceRecord) -> InvalidRecord:
    outcome = map_record(record)
    assert isinstance(outcome, InvalidRecord), outcome
    return outcome


def body(record: SourceRecord) -> dict[str, Any]:
    """The JSON body the mapping would send, as Clerk would receive it."""
    import msgspec

    decoded: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(mapped(record).request))
    return decoded
