"""No header or cookie value makes the Flask integration answer 500."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import given, settings

from clerk_async.emulator import ClerkEmulator
from tests.integrations.raw_http import get
from tests.integrations.sync_strategies import (
    HEADER_TEXT,
    OPAQUE,
    SIGNED_CLAIMS,
    allowed_statuses,
    header_sets,
)
from tests.integrations.tokens import hand_signed


@settings(settings.get_profile("ci"))  # tests/integrations/conftest.py
@given(authorization=HEADER_TEXT, cookie=HEADER_TEXT, claims=SIGNED_CLAIMS, opaque=OPAQUE)
def test_nothing_a_request_carries_makes_flask_answer_500(
    origin: str,
    clerk_emulator_server: ClerkEmulator,
    authorization: str,
    cookie: str,
    claims: dict[str, Any],
    opaque: str,
) -> None:
    signed = functools.partial(hand_signed, clerk_emulator_server)  # hostile claims: no Clerk's

    for headers in header_sets(authorization, cookie, claims, opaque, signed):
        for route in ("sync/everything", "async/everything", "sync/open"):
            answer = get(f"{origin}/{route}", headers)
            assert answer.status in allowed_statuses(headers), (route, headers, answer)
