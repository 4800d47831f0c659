"""The records of a JSON document, built one at a time from ijson's events, with nesting bounded.

ijson's own builders keep the path of every event as text, so a document nested a hundred
thousand levels deep costs them gigabytes; here records are built from its plain events
(``basic_parse``) instead, in time and memory that grow with the file, not with the square of
its depth. A record nested deeper than :data:`MAX_DEPTH` is not built: :data:`TOO_DEEP` stands
for it, and the reader reports it as unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

__all__ = ["ITEM", "MAX_DEPTH", "TOO_DEEP", "values_at"]

#: Records nested deeper than this are unreadable (Clerk refuses metadata beyond 100 levels).
MAX_DEPTH: Final = 128
#: A path component: every element of an array (any other component is an object's key).
ITEM: Final = "item"
_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


class _TooDeep:
    def __repr__(self) -> str:
        return "TOO_DEEP"


#: Stands for a value nested deeper than :data:`MAX_DEPTH`.
TOO_DEEP: Final = _TooDeep()


def values_at(events: Iterable[tuple[str, Any]], path: Sequence[str]) -> Iterator[Any]:
    """Each value found at ``path`` in a stream of JSON documents, as soon as it is complete.

    ``events`` are ijson's ``basic_parse`` events; ``path`` is empty for each top-level document,
    ``("item",)`` for each element of a top-level array, ``("users", "item")`` for each element
    of the array under the ``users`` key of a top-level object.
    """
    above: list[str | None] = []  # the open containers above the values sought, as components
    unseen = 0  # depth inside a container that holds nothing sought
    value: _Value | None = None
    for event, data in events:
        if value is not None:
            done = value.feed(event, data)
            if done is not _MORE:
                value = None
                yield done
        elif unseen:
            unseen += (event in _STARTS) - (event in _ENDS)
        elif event == "map_key":
            above[-1] = data
        elif event in _ENDS:
            above.pop()
        elif above == list(path):
            if event in _STARTS:
                value = _Value(event)
            else:
                yield data
        elif event in _STARTS:
            if len(above) < len(path) and above == list(path[: len(above)]):
                above.append(ITEM if event == "start_array" else None)
            else:
                unseen = 1


_MORE: Final = object()


class _Value:
    """One container value being built from its events, at most :data:`MAX_DEPTH` deep."""

    __slots__ = ("_built", "_keys", "_skipping")

    def __init__(self, start: str) -> None:
        self._built: list[Any] = [_container(start)]  # the open containers, outermost first
        self._keys: list[str | None] = [None]
        self._skipping = 0  # depth left inside a value too deep to build

    def feed(self, event: str, data: Any) -> Any:
        """The value once its last event is fed (``TOO_DEEP`` for one too deep), else ``_MORE``."""
        if self._skipping:
            self._skipping += (event in _STARTS) - (event in _ENDS)
            return _MORE if self._skipping else TOO_DEEP
        built = self._built
        if event == "map_key":
            self._keys[-1] = data
            return _MORE
        if event in _STARTS:
            if len(built) >= MAX_DEPTH:
                self._skipping = len(built) + 1
                built.clear()
                return _MORE
            built.append(_container(event))
            self._keys.append(None)
            return _MORE
        if event in _ENDS:
            data = built.pop()
            self._keys.pop()
            if not built:
                return data
        container = built[-1]
        if isinstance(container, list):
            container.append(data)
        else:
            container[self._keys[-1]] = data
        return _MORE


def _container(start: str) -> dict[str, Any] | list[Any]:
    return {} if start == "start_map" else []
