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
    raw record into the records it holds.

    A file whose first records all lack the fields of the source's id is not its export (a
    wrong ``--from``): one error saying what the file looks like, rather than one per record. A
    record with the field, empty, is the right source's, and a record error. Once one record
    proves the source right, the rest of the file is read with no more checks (and no
    generator between this one and the file's: each would be resumed once per record)."""
    layout = csv_layout or CsvLayout()
    for path in paths:
        items = iter_items(path, wrappers=wrappers, csv_layout=layout)
        if expand is not None:
            items = _expanded(items, expand)
        held: list[SourceRecord | SkippedRecord] = []
        without_id: list[tuple[SkippedRecord, RawItem]] = []
        for item in items:
            found = _record(source, item, convert, imported)
            if isinstance(found, SourceRecord):
                yield from held
                yield found
                break
            skipped = _skipped(source, item, found, kind)
            if found.code == "unreadable":
                held.append(skipped)
            elif (
                found.code == NO_ID
                and isinstance(item, RawItem)
                and not any(name in item.fields for name in found.id_fields)
            ):
                held.append(skipped)
                without_id.append((skipped, item))
                if len(without_id) >= ID_EVIDENCE:
                    raise _not_this_source(source, without_id)
            else:
                yield from held
                yield skipped
                break
        else:
            if without_id:
                raise _not_this_source(source, without_id)
            yield from held
            continue
        for item in items:  # the source is right: nothing more to check
            found = _record(source, item, convert, imported)
            yield found if isinstance(found, SourceRecord) else _skipped(source, item, found, kind)


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
    source: SourceName, item: RawItem | Unreadable, convert: Convert, imported: Fields | None
) -> SourceRecord | Skip:
    """One raw item as a record, or why it is skipped."""
    if type(item) is not RawItem:
        assert isinstance(item, Unreadable)
        return Skip("unreadable", item.reason)
    try:
        result = convert(item.fields)
    except SourceError as error:
        raise type(error)(f"{item.file}: {error}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as error:
        # A value of a shape the source never writes (a list where a string goes...): this
        # record is unreadable, the run goes on.
        return Skip("unreadable", f"unexpected value shape ({type(error).__name__})")
    if isinstance(result, Skip):
        return result
    source_id, draft = result
    if imported is not None:
        unread = dropped_fields(item.fields, imported)
        if unread:
            draft = msgspec.structs.replace(draft, dropped=(*unread, *draft.dropped))
    return SourceRecord(
        source=source,
        source_id=source_id,
        file=item.file,
        line=item.line,
        index=item.index,
        draft=draft,
        fields=item.fields,
    )


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
