"""Failures on the server's side, as the integration tests cause them, and what every adapter
must answer for them: 503 with ``decide_access``'s body, never the 401 that signs a frontend out.

The emulator answers every request 500 (``CLERK_DOWN``): an app with a cold key cache cannot load
the key set (``jwk-failed-to-load``), and a machine token's verify call fails (``server-error``);
both may pass, so they come with ``Retry-After``. An app without a secret key
(``secret-key-missing``) waits for its operator: no ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Sequence

from clerk_async.emulator import Faults
from tests.integrations.raw_http import Answer, get
from tests.integrations.tokens import bearer

__all__ = ["CLERK_DOWN", "assert_answers_while_clerk_is_down", "assert_unavailable"]

#: Every request to the emulator answered 500 (not retried, so each failure is immediate).
CLERK_DOWN = Faults(error_rate=1.0, error_statuses=(500,))


def assert_unavailable(answer: Answer, reason: str, *, retry_after: bool) -> None:
    assert answer.status == 503, (answer.status, answer.body)
    assert "www-authenticate" not in answer.headers  # no challenge: the credentials may be fine
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"] == "unavailable"
    assert answer.json()["reason"] == reason
    assert ("retry-after" in answer.headers) is retry_after
    if retry_after:
        assert int(answer.headers["retry-after"]) > 0


def assert_answers_while_clerk_is_down(
    origin: str, prefixes: Sequence[str], token: str, api_key: str, session_route: str = "me"
) -> None:
    """Under each prefix of an app with a cold key cache, while Clerk is down (``CLERK_DOWN``):
    a session token on ``session_route`` (no key set to verify it with) and an API key on
    ``machines`` (its verify call fails) are both 503, with ``Retry-After``."""
    for prefix in prefixes:
        by_session = get(f"{origin}{prefix}/{session_route}", bearer(token))
        assert_unavailable(by_session, "jwk-failed-to-load", retry_after=True)
        by_key = get(f"{origin}{prefix}/machines", bearer(api_key))
        assert_unavailable(by_key, "server-error", retry_after=True)
