"""Verify Clerk's webhooks (Svix signatures) and decode them into typed events.

Shared by ``clerk_async`` and ``clerk_sync`` (``clerk_sync.webhooks`` holds the very same objects):
nothing here does I/O. ``verify_webhook`` checks the signature over the raw body, then decodes the
body into the Struct of its event type (``UserCreatedEvent``, ``SessionEndedEvent``, ...), whose
``data`` is typed as Clerk's webhook spec says; the data Structs are in
``clerk_async.webhooks.models``.
"""

from __future__ import annotations

from typing import Any

from ._decode import decode_webhook_event
from ._errors import WebhookVerificationError, WebhookVerificationErrorReason
from ._signature import (
    DEFAULT_TOLERANCE_S,
    SECRET_ENV,
    Payload,
    sign_webhook,
    verify_webhook_signature,
)
from .events import *  # noqa: F403
from .events import WebhookEvent

# Importing ``__all__`` under its own name tells type checkers the event names it lists (a list
# built from another list's items would hide them); the assignment below makes a new list.
from .events import __all__ as __all__

__all__ = [  # noqa: PLE0604
    *__all__,
    "DEFAULT_TOLERANCE_S",
    "SECRET_ENV",
    "WebhookVerificationError",
    "WebhookVerificationErrorReason",
    "decode_webhook_event",
    "sign_webhook",
    "verify_webhook",
    "verify_webhook_signature",
]


def verify_webhook(
    payload: Payload,
    headers: Any,
    signing_secret: str | None = None,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> WebhookEvent:
    """Verify a Clerk webhook and return its typed event.

    ``payload`` is the raw request body (bytes, or the text it decodes to), ``headers`` the
    request's headers (any mapping or framework headers object; ``svix-*`` or ``webhook-*``,
    looked up case-insensitively). ``signing_secret`` (``whsec_...``) defaults to the
    ``CLERK_WEBHOOK_SIGNING_SECRET`` environment variable. A timestamp more than ``tolerance_s``
    seconds away from ``now`` (Unix seconds, default: the clock) is rejected. Every failure raises
    :class:`WebhookVerificationError` with a :class:`WebhookVerificationErrorReason`.
    """
    body = verify_webhook_signature(
        payload, headers, signing_secret, tolerance_s=tolerance_s, now=now
    )
    return decode_webhook_event(body)
