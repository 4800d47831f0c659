"""Lenient readings of the values exports hold: text, booleans, timestamps, JSON text, lists.

Each accepts whatever a JSON or CSV export may put there (``None``, ``""``, numbers, the string
``"true"``, Postgres' ``t``) and never raises; a value it cannot read is returned as found where
the mapping can report it (timestamps, metadata), or treated as absent where that is safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone

import msgspec

from clerk_async.migrate.readers._raw import decode_json
from clerk_async.migrate.records import Contact

__all__ = [
    "boolean",
    "contacts",
    "json_object",
    "split_list",
    "text",
    "timestamp",
]

_TRUE = frozenset({"true", "t", "1", "yes", "y"})
_FALSE = frozenset({"false", "f", "0", "no", "n"})
# ISO 8601 / RFC 3339 and Postgres' text form: "2024-01-15 10:30:00.000000+00".
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# Epoch values above this are milliseconds (year 5138 in seconds, 1973 in milliseconds).
_MILLISECONDS_FROM = 10**11


def text(value: object) -> str | None:
    """A non-empty stripped string, or None. Numbers (integer ids) become their decimal text."""
    if value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def boolean(value: object) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
    return None


def timestamp(value: object) -> datetime | str | None:
    """An aware datetime from ISO 8601/RFC 3339, Postgres text, epoch seconds or milliseconds
    (numbers or digit strings) or a ``{"$date": ...}`` wrapper; unreadable text comes back as is."""
    if value is None:
        return None
    while isinstance(value, Mapping) and "$date" in value:
        value = value["$date"]
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    stripped = value.strip()
    if _NUMBER.match(stripped):
        return _epoch(float(stripped)) or stripped
    try:  # the common case, fast (Python 3.11 reads "Z" and most of ISO 8601)
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        pass
    else:
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    match = _DATETIME.match(stripped)
    if match is None:
        return stripped
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(zone),
        )
    except ValueError:
        return stripped


def _epoch(seconds: float) -> datetime | None:
    if seconds >= _MILLISECONDS_FROM:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _zone(zone: str | None) -> timezone:
    if zone is None or zone in ("Z", "z"):
        return timezone.utc  # no offset given: exports write UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def json_object(value: object) -> object:
    """A JSON object as a dict (jsonb may come as an object or as JSON text); absent is None; JSON
    text that is not an object, or anything else, comes back as is for the mapping to report."""
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped or stripped == "null":
            return None
        try:
            return decode_json(stripped)
        except msgspec.DecodeError:
            return value
    return value


def split_list(value: object, separators: str = "|,") -> list[str]:
    """A multi-valued cell (``a|b`` or ``a,b``) or a JSON list, as stripped non-empty strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items: Iterable[object] = value
    elif isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            decoded = json_object(stripped)
            if isinstance(decoded, list):
                return split_list(decoded, separators)
        items = re.split("[" + re.escape(separators) + "]", stripped)
    else:
        items = [value]
    found = []
    for raw in items:
        item = text(raw)
        if item is not None:
            found.append(item)
    return found


def contacts(*groups: tuple[Iterable[str], bool]) -> tuple[Contact, ...]:
    """Contacts from ``(values, verified)`` groups in order, each value once (case-insensitive);
    a value listed both ways counts as verified."""
    seen: dict[str, int] = {}
    found: list[Contact] = []
    for values, verified in groups:
        for value in values:
            key = value.lower()
            if key in seen:
                if verified and not found[seen[key]].verified:
                    found[seen[key]] = Contact(found[seen[key]].value, True)
                continue
            seen[key] = len(found)
            found.append(Contact(value, verified))
    return tuple(found)
