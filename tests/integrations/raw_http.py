"""A plain HTTP client for the tests of the served apps: it sends header values byte for byte
(latin-1), whatever they hold, where a higher-level client would refuse or rewrite them."""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Answer", "get", "seen_by_a_prober"]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def seen_by_a_prober(answer: Answer) -> tuple[int, dict[str, str], bytes]:
    """What could tell two answers apart: the status, the headers (but the date) and the body."""
    headers = {name: value for name, value in answer.headers.items() if name != "date"}
    return answer.status, headers, answer.body


def get(url: str, headers: Mapping[str, str] | None = None) -> Answer:
    """``GET url`` over a new connection, sending ``headers`` byte for byte (latin-1)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        connection.putrequest("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        for name, value in (headers or {}).items():
            connection.putheader(name, value.encode("latin-1"))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, answer_headers, body)
    finally:
        connection.close()
