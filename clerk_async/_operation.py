"""The description of one API operation, as the generated operation table declares it."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["Operation", "PageShape"]

#: How a list operation returns its page: a bare JSON array, ``{data, total_count}``, or
#: ``{m2m_tokens, total_count}``.
PageShape = Literal["array", "data", "m2m_tokens"]


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """Facts about one operation; the request pipeline needs only ``method`` and ``path``."""

    operation_id: str
    method: str
    path: str
    group: str = ""
    name: str = ""
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    body: Literal["json", "multipart"] | None = None
    request_schema: str | None = None
    response_schema: str | None = None
    pagination: PageShape | None = None
    deprecated: bool = False
