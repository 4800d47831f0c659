"""Reading and validating request parameters: the JSON body and the query string.

Type errors answer 422 ``form_param_format_invalid`` and absent required values 422
``form_param_missing``, both naming the parameter in ``meta.param_name``, as Clerk does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .errors import param_invalid, param_missing, param_unknown

__all__ = ["MAX_LIMIT", "Body", "Query"]

#: Clerk's largest page.
MAX_LIMIT = 500
DEFAULT_LIMIT = 10


class Body:
    """A JSON object body (``{}`` when the request had none)."""

    __slots__ = ("data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def only(self, allowed: Iterable[str]) -> Body:
        """Reject parameters the operation does not define (422 ``form_param_unknown``)."""
        names = set(allowed)
        for name in self.data:
            if name not in names:
                raise param_unknown(name)
        return self

    def has(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise param_missing(name)
            return None
        if not isinstance(value, str):
            raise param_invalid(name, f"{name} must be a string.")
        if required and not value:
            raise param_missing(name)
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise param_invalid(name, f"{name} must be a boolean.")
        return value

    def integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise param_invalid(name, f"{name} must be an integer.")
        _check_range(name, value, minimum, maximum)
        return value

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise param_invalid(name, f"{name} must be an array of strings.")
        return value

    def mapping(self, name: str) -> dict[str, Any] | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise param_invalid(name, f"{name} must be a JSON object.")
        return value


class Query:
    """The query string: every parameter may repeat, the first value of a scalar wins."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, list[str]]) -> None:
        self._values = values

    def strings(self, name: str) -> list[str]:
        return self._values.get(name, [])

    def text(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[0] if values else None

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        if value is None:
            return None
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise param_invalid(name, f"{name} must be true or false.")

    def integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise param_invalid(name, f"{name} must be an integer.") from None
        _check_range(name, number, minimum, maximum)
        return number

    def page(self) -> tuple[int, int]:
        """``(limit, offset)``: limit 1..500 (default 10), offset >= 0 (default 0)."""
        limit = self.integer("limit", minimum=1, maximum=MAX_LIMIT)
        offset = self.integer("offset", minimum=0)
        return (DEFAULT_LIMIT if limit is None else limit, offset or 0)

    def optional_page(self, count: int) -> tuple[int, int]:
        """For lists paged only on request (``paginated=true``, or an explicit limit/offset)."""
        if self.flag("paginated") or self.text("limit") or self.text("offset"):
            return self.page()
        return (count, 0)


def _check_range(name: str, value: int, minimum: int | None, maximum: int | None) -> None:
    if minimum is not None and value < minimum:
        raise param_invalid(name, f"{name} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise param_invalid(name, f"{name} must be at most {maximum}.")
