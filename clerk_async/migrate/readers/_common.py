"""What every reader shares: its options, and the loop from raw items to records."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from clerk_async.migrate.readers._files import CsvLayout, RawItem, Unreadable, iter_items
from clerk_async.migrate.readers._sniff import guess_source
from clerk_async.migrate.records import (
    Draft,
    RecordKind,
    SkippedRecord,
    SourceError,
    SourceFileError,
    SourceName,
    SourceRecord,
)

__all__ = [
    "ID_EVIDENCE",
    "Convert",
    "Expand",
    "Fields",
    "PathLike",
    "ReaderOptions",
    "Skip",
    "dropped_fields",
    "no_id",
    "records",
]

PathLike = str | os.PathLike[str]
#: Records without the source's id, and none with it, that prove a file is not its export.
ID_EVIDENCE = 20
_KEYS_SHOWN = 8
NO_ID = "no_id"
_EMPTY_TEXT = frozenset({"", "null", "{}", "[]"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ReaderOptions:
    password_hashes: PathLike | None = None
    hash_config: PathLike | None = None
    cognito_user_pool_id: str | None = None
    cognito_client_id: str | None = None
    cognito_identifier: Literal["username", "email", "sub"] = "username"
    #: werkzeug: the users table's column names by role (``{"id": "user_id"}``).
    columns: Mapping[str, str] = field(default_factory=dict)
    #: auth0, betterauth: Clerk role keys by the source's role name or id.
    role_map: Mapping[str, str] = field(default_factory=dict)
    #: django: what the users' groups become (``organizations`` or ``roles``), the dump of
    #: ``auth.group`` that names them, the one organization of ``roles``, and the role every
    #: member gets with ``organizations``.
    groups_as: Literal["organizations", "roles"] | None = None
    groups: PathLike | None = None
    groups_organization: str | None = None
    group_role: str | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A converter's answer for a record it will not turn into a user."""

    code: str
    reason: str
    source_id: str | None = None
    #: For a record without an id: the fields that would hold it.
    id_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields a source imports (read into the user): these names, and every name that starts
    with one of ``prefixes``. A record's other fields that hold a value are dropped, and named."""

    names: frozenset[str]
    prefixes: tuple[str, ...] = ()

    def __contains__(self, name: object) -> bool:
        return name in self.names or (isinstance(name, str) and name.startswith(self.prefixes))


def dropped_fields(fields: dict[str, Any], imported: Fields) -> tuple[str, ...]:
    """The names of ``fields`` that hold a value and are not imported."""
    return tuple(name for name, value in fields.items() if name not in imported and _filled(value))


def _filled(value: object) -> bool:
    if isinstance(value, str):
        return value.strip() not in _EMPTY_TEXT
    return value is not None and value not in ([], {})


def no_id(what: str, *fields: str) -> Skip:
    """A record without an id: ``what`` says what is missing, ``fields`` (default: ``what``
    itself) are the fields that would hold it."""
    return Skip(NO_ID, f"the record has no {what}", id_fields=fields or (what,))


#: A source's reading of one raw record: its id and draft, or why it is skipped.
Convert = Callable[[dict[str, Any]], "tuple[str, Draft] | Skip"]
#: A raw record holding several records (a page of them): the records, in order.
Expand = Callable[[dict[str, Any]], list[dict[str, Any]]]
#: A record, and the raw item when the record has none of the fields of the source's id.
_Read = tuple["SourceRecord | SkippedRecord", "RawItem | None"]


def records(
    source: SourceName,
    paths: Iterable[PathLike],
    convert: Convert,
    imported: Fields | None,
    *,
    wrappers: Sequence[str] = (),
    csv_layout: CsvLayout | None = None,
    kind: RecordKind = "user",
    expand: Expand | None = None,
) -> Iterator[SourceRecord | SkippedRecord]:
    """Every record of ``paths``, in order. ``imported`` names the fields ``convert`` reads into
    the user (``None``: every field); the others are named in each record's ``draft.dropped``.
    ``kind`` is what the files hold (what a skipped record would have been); ``expand`` turns a
    raw record into the records it holds."""
    layout = csv_layout or CsvLayout()
    for path in paths:
        items = iter_items(path, wrappers=wrappers, csv_layout=layout)
        if expand is not None:
            items = _expanded(items, expand)
        reads = (_record(source, item, convert, imported, kind) for item in items)
        yield from _checked(source, reads)


def _expanded(
    items: Iterator[RawItem | Unreadable], expand: Expand
) -> Iterator[RawItem | Unreadable]:
    """The records each raw record holds, numbered anew in the file."""
    index = 0
    for item in items:
        if not isinstance(item, RawItem):
            index += 1
            yield Unreadable(item.file, item.line, index, item.reason)
            continue
        try:
            inner = expand(item.fields)
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            index += 1
            yield Unreadable(
                item.file, item.line, index, f"unexpected value shape ({type(error).__name__})"
            )
            continue
        for fields in inner:
            index += 1
            if isinstance(fields, dict):
                yield RawItem(item.file, item.line, index, fields)
            else:
                yield Unreadable(item.file, item.line, index, "the record is not a JSON object")


def _record(
    source: SourceName,
    item: RawItem | Unreadable,
    convert: Convert,
    imported: Fields | None,
    kind: RecordKind = "user",
) -> _Read:
    """One raw item as a record, and the item too when it has none of the id's fields."""
    if not isinstance(item, RawItem):
        return _skipped(source, item, Skip("unreadable", item.reason), kind), None
    try:
        result = convert(item.fields)
    except SourceError as error:
        raise type(error)(f"{item.file}: {error}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as error:
        # A value of a shape the source never writes (a list where a string goes...): this
        # record is unreadable, the run goes on.
        result = Skip("unreadable", f"unexpected value shape ({type(error).__name__})")
    if isinstance(result, Skip):
        absent = result.code == NO_ID and not any(name in item.fields for name in result.id_fields)
        return _skipped(source, item, result, kind), item if absent else None
    source_id, draft = result
    unread = dropped_fields(item.fields, imported) if imported is not None else ()
    if unread:
        draft = msgspec.structs.replace(draft, dropped=(*unread, *draft.dropped))
    found = SourceRecord(
        source=source,
        source_id=source_id,
        file=item.file,
        line=item.line,
        index=item.index,
        draft=draft,
        fields=item.fields,
    )
    return found, None


def _skipped(
    source: SourceName, item: RawItem | Unreadable, skip: Skip, kind: RecordKind
) -> SkippedRecord:
    return SkippedRecord(
        kind=kind,
        source=source,
        file=item.file,
        line=item.line,
        index=item.index,
        code=skip.code,
        reason=skip.reason,
        source_id=skip.source_id,
    )


def _checked(source: SourceName, reads: Iterator[_Read]) -> Iterator[SourceRecord | SkippedRecord]:
    """One file's records. A file whose first records all lack the fields of the source's id is
    not its export (a wrong ``--from``): one error saying what the file looks like, rather than
    one per record. A record with the field, empty, is the right source's, and a record error."""
    held: list[SourceRecord | SkippedRecord] = []
    without_id: list[tuple[SkippedRecord, RawItem]] = []
    for record, absent in reads:
        if isinstance(record, SkippedRecord) and (absent or record.code == "unreadable"):
            held.append(record)
            if absent is not None:
                without_id.append((record, absent))
                if len(without_id) >= ID_EVIDENCE:
                    raise _not_this_source(source, without_id)
            continue
        yield from held
        yield record
        for later, _ in reads:  # the source is right: nothing more to check
            yield later
        return
    if without_id:
        raise _not_this_source(source, without_id)
    yield from held


def _not_this_source(
    source: SourceName, without_id: list[tuple[SkippedRecord, RawItem]]
) -> SourceFileError:
    record = without_id[0][0]
    keys = list(dict.fromkeys(key for _, item in without_id for key in item.fields))
    shown = ", ".join(keys[:_KEYS_SHOWN]) + (", ..." if len(keys) > _KEYS_SHOWN else "")
    missing = record.reason.removeprefix("the record has no ")
    message = (
        f"{record.file}: {len(without_id)} record(s) read, and not one has {missing}, the id of "
        f"every {source} record; they have {shown or 'no fields'}"
    )
    guess = guess_source(keys)
    if guess is not None and guess != source:
        message += f": is it an export of {guess} (--from {guess})?"
    return SourceFileError(message)
