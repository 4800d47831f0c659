"""Webhook events as ``verify_webhook`` returns them, for feeding a cache in tests."""

from __future__ import annotations

import time
from typing import Any

import msgspec

from clerk_async.webhooks import decode_webhook_event

__all__ = ["event"]


def event(kind: str, data: dict[str, Any], timestamp: int | None = None) -> object:
    """A webhook event of type ``kind`` carrying ``data``, decoded as ``verify_webhook`` does."""
    envelope = {
        "object": "event",
        "type": kind,
        "timestamp": timestamp or int(time.time() * 1000),
        "instance_id": "ins_test",
        "data": data,
    }
    return decode_webhook_event(msgspec.json.encode(envelope))
