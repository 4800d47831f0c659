"""Property tests: whatever arrives at a webhook endpoint (any body, any headers, any secret),
``verify_webhook`` returns an event or raises ``WebhookVerificationError``, nothing else; and a
correctly signed body of any shape decodes into an event or is ``PAYLOAD_INVALID``.
"""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import clerk_async.webhooks as async_webhooks
import clerk_sync.webhooks as sync_webhooks
from clerk_async.emulator.samples import sample
from clerk_async.webhooks import (
    EVENT_TYPES,
    UnknownWebhookEvent,
    WebhookEventBase,
    WebhookVerificationError,
    WebhookVerificationErrorReason,
    decode_webhook_event,
    sign_webhook,
)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NOW = 1_716_883_200
NAMES = ["svix-id", "svix-timestamp", "svix-signature", "webhook-id", "webhook-timestamp"]
NAMES += ["webhook-signature", "Svix-Signature", "WEBHOOK-ID", "content-type"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
header_values = st.one_of(
    st.text(),
    st.binary(max_size=80),
    st.integers(NOW - 1_000, NOW + 1_000).map(str),
    st.lists(st.tuples(st.sampled_from(["v1", "v2", "", "v1a"]), st.binary(max_size=40))).map(
        lambda pairs: " ".join(f"{v},{base64.b64encode(raw).decode()}" for v, raw in pairs)
    ),
)
headers = st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=20), header_values, max_size=8)
secrets = (
    st.just(SECRET)
    | st.text(max_size=60)
    | st.binary(max_size=40).map(lambda raw: "whsec_" + base64.b64encode(raw).decode())
)


@given(body=st.binary() | st.text(), headers=headers, secret=secrets)
def test_any_request_gives_an_event_or_a_webhook_verification_error(
    body: bytes | str, headers: dict[str, Any], secret: str
) -> None:
    with contextlib.suppress(WebhookVerificationError):
        async_webhooks.verify_webhook(body, headers, secret, now=NOW)


@st.composite
def event_bodies(draw: st.DrawFn) -> bytes:
    """A body that looks more or less like a Clerk event (a documented-shape sample with one
    value replaced or removed, an envelope around any JSON, or any JSON at all)."""
    kind = draw(st.sampled_from(["mutated", "envelope", "any", "deep"]))
    if kind == "any":
        return json.dumps(draw(json_values)).encode()
    if kind == "deep":  # nested thousands deep, as data or as a field nobody reads
        levels = draw(st.integers(1_000, 20_000))
        key = draw(st.sampled_from(["data", "unknown"]))
        event_type = draw(st.sampled_from(["user.created", "a.type.added.later"]))
        deep = '{"a":[' * levels + "]}" * levels
        return f'{{"type": "{event_type}", "{key}": {deep}}}'.encode()
    event_type = draw(st.sampled_from(sorted(EVENT_TYPES)) | st.text(max_size=20))
    if kind == "envelope":
        event = {"type": event_type, "data": draw(json_values)}
        event.update(draw(st.dictionaries(st.sampled_from(["object", "timestamp"]), json_values)))
        return json.dumps(event).encode()
    event = sample(EVENT_TYPES.get(event_type, EVENT_TYPES["user.created"]))
    event["type"] = event_type
    node: Any = event
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        if not isinstance(node[key], (dict, list)) or draw(st.booleans()):
            if isinstance(node, dict) and draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(json_values)
            break
        node = node[key]
    return json.dumps(event).encode()


@given(body=event_bodies())
def test_a_signed_body_of_any_shape_is_an_event_or_payload_invalid(body: bytes) -> None:
    try:
        event = sync_webhooks.verify_webhook(body, sign_webhook(body, SECRET), SECRET)
    except WebhookVerificationError as error:
        assert error.reason is WebhookVerificationErrorReason.PAYLOAD_INVALID
        return
    assert isinstance(event, (WebhookEventBase, UnknownWebhookEvent))
    repr(event)
    event.to_json()


@given(text=st.text() | st.binary().map(lambda raw: raw.decode("latin-1")))
def test_decoding_any_text_gives_an_event_or_a_webhook_verification_error(text: str) -> None:
    with contextlib.suppress(WebhookVerificationError):
        decode_webhook_event(text)
