"""What every reader shares: its options, and the loop from raw items to records."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from clerk_async.migrate.readers._files import CsvLayout, RawItem, iter_items
from clerk_async.migrate.records import (
    SkippedRecord,
    SourceError,
    SourceName,
    SourceRecord,
    UserDraft,
)

__all__ = ["Convert", "PathLike", "ReaderOptions", "Skip", "records"]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReaderOptions:
    password_hashes: PathLike | None = None
    hash_config: PathLike | None = None
    cognito_user_pool_id: str | None = None
    cognito_client_id: str | None = None
    cognito_identifier: Literal["username", "email", "sub"] = "username"
    #: werkzeug: the users table's column names by role (``{"id": "user_id"}``).
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Skip:
    """A converter's answer for a record it will not turn into a user."""

    code: str
    reason: str
    source_id: str | None = None


#: A source's reading of one raw record: its id and draft, or why it is skipped.
Convert = Callable[[dict[str, Any]], "tuple[str, UserDraft] | Skip"]


def records(
    source: SourceName,
    paths: Iterable[PathLike],
    convert: Convert,
    *,
    wrappers: Sequence[str] = (),
    csv_layout: CsvLayout | None = None,
) -> Iterator[SourceRecord | SkippedRecord]:
    for path in paths:
        for item in iter_items(path, wrappers=wrappers, csv_layout=csv_layout or CsvLayout()):
            if not isinstance(item, RawItem):
                yield SkippedRecord(
                    source=source,
                    file=item.file,
                    line=item.line,
                    index=item.index,
                    code="unreadable",
                    reason=item.reason,
                )
                continue
            try:
                result = convert(item.fields)
            except SourceError as error:
                raise type(error)(f"{item.file}: {error}") from None
            except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
                # A value of a shape the source never writes (a list where a string goes...):
                # this record is unreadable, the run goes on.
                result = Skip("unreadable", f"unexpected value shape ({type(error).__name__})")
            if isinstance(result, Skip):
                yield SkippedRecord(
                    source=source,
                    file=item.file,
                    line=item.line,
                    index=item.index,
                    code=result.code,
                    reason=result.reason,
                    source_id=result.source_id,
                )
                continue
            source_id, draft = result
            yield SourceRecord(
                source=source,
                source_id=source_id,
                file=item.file,
                line=item.line,
                index=item.index,
                draft=draft,
                fields=item.fields,
            )


NO_ID = "no_id"


def no_id(what: str) -> Skip:
    return Skip(NO_ID, f"the record has no {what}")
