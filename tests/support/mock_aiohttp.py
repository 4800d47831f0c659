"""aioresponses, made to work with aiohttp 3.14.

aiohttp 3.14 (a security release) added a required ``stream_writer`` argument to
``ClientResponse``; aioresponses 0.7.9 does not pass it (pnuckowski/aioresponses#289). With no
request writer, aiohttp only reads the writer's ``output_size``, so a stub is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aiohttp
import aioresponses.core
import pytest
from aioresponses import aioresponses as _aioresponses


class _NoStreamWriter:
    output_size = 0


class _CompatibleResponse(aiohttp.ClientResponse):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _NoStreamWriter())
        super().__init__(*args, **kwargs)


@pytest.fixture
def mocked(monkeypatch: pytest.MonkeyPatch) -> Iterator[_aioresponses]:
    """aiohttp with no network: register responses with ``mocked.get(url, ...)``."""
    monkeypatch.setattr(aioresponses.core, "ClientResponse", _CompatibleResponse)
    with _aioresponses() as mock:
        yield mock
