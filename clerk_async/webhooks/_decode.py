"""A verified webhook body -> its typed event, in one msgspec pass chosen by ``type``."""

from __future__ import annotations

import msgspec

from ._errors import WebhookVerificationError
from ._errors import WebhookVerificationErrorReason as Reason
from ._signature import Payload
from .events import EVENT_TYPES, KnownWebhookEvent, UnknownWebhookEvent, WebhookEvent

__all__ = ["decode_webhook_event"]

_known = msgspec.json.Decoder(KnownWebhookEvent)
_unknown = msgspec.json.Decoder(UnknownWebhookEvent)


def decode_webhook_event(body: Payload) -> WebhookEvent:
    """The event a webhook body holds; an event type Clerk adds later is an ``UnknownWebhookEvent``.

    Use it on a body whose signature was checked (``verify_webhook`` does both).
    """
    try:
        return _known.decode(body)
    except msgspec.ValidationError as exc:
        problem = str(exc)
    except msgspec.DecodeError:
        raise _undecodable(body) from None
    except RecursionError:  # JSON nested thousands deep: msgspec recurses per level
        raise _too_deep() from None
    try:
        unknown = _unknown.decode(body)
    except msgspec.DecodeError:
        unknown = None
    except RecursionError:
        raise _too_deep() from None
    if unknown is None or unknown.type in EVENT_TYPES:
        raise WebhookVerificationError(
            Reason.PAYLOAD_INVALID, f"The webhook is signed, but is not a Clerk event: {problem}"
        ) from None
    return unknown


def _too_deep() -> WebhookVerificationError:
    problem = "The webhook is signed, but its body is nested too deeply to decode."
    return WebhookVerificationError(Reason.PAYLOAD_INVALID, problem)


def _undecodable(body: Payload) -> WebhookVerificationError:
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return WebhookVerificationError(Reason.BODY_NOT_UTF8)
    return WebhookVerificationError(
        Reason.PAYLOAD_INVALID, "The webhook is signed, but its body is not JSON."
    )
