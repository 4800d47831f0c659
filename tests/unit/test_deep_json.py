"""JSON nested thousands of levels deep (a few KB, far under any size cap) from a server or a
webhook sender gives the documented error, never a raw RecursionError (msgspec recurses per level).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import clerk_async.webhooks as async_webhooks
import clerk_sync.webhooks as sync_webhooks
from clerk_async._http import Request, Response
from clerk_async._operation import PageShape
from clerk_async._response import error_from_response, parse_response, response_decoder
from clerk_async.errors import BadRequestError, InternalServerError, ResponseValidationError
from clerk_async.models import User
from clerk_async.webhooks import WebhookVerificationError, WebhookVerificationErrorReason

DEPTHS = pytest.mark.parametrize("depth", [3_000, 100_000])
REQUEST = Request("GET", "https://api.clerk.com/v1/users/user_1", {})
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def nested(depth: int) -> str:
    """An object holding ``depth`` objects and arrays, alternating."""
    return '{"a":[' * (depth // 2) + "1" + "]}" * (depth // 2)


def with_deep(document: dict[str, Any], key: str, depth: int) -> bytes:
    """``document`` as JSON, with ``key`` (appended last) holding the nested value."""
    text = json.dumps({k: v for k, v in document.items() if k != key})
    return (text[:-1] + f', "{key}": {nested(depth)}}}').encode()


@DEPTHS
def test_a_deep_success_body_is_a_response_validation_error(depth: int) -> None:
    user = {"id": "user_1", "object": "user", "first_name": "Ada"}
    bodies: list[tuple[bytes, PageShape | None]] = [
        (with_deep(user, "public_metadata", depth), None),
        (f"[{nested(depth)}]".encode(), "array"),  # an unknown field of an item, skipped
        (f'{{"data": [{nested(depth)}], "total_count": 1}}'.encode(), "data"),
    ]
    for body, pagination in bodies:
        decode = response_decoder(User, pagination)
        with pytest.raises(ResponseValidationError, match="nested too deeply") as caught:
            parse_response(REQUEST, Response(200, {}, body), decode)
        assert caught.value.raw_body == body


@DEPTHS
def test_a_deep_error_body_is_still_the_error_of_its_status(depth: int) -> None:
    error = {"errors": [{"code": "form_param_missing", "message": "m"}]}
    body = with_deep(error, "meta", depth)
    for status, error_class in [(400, BadRequestError), (500, InternalServerError)]:
        raised = error_from_response(REQUEST, Response(status, {}, body))
        assert type(raised) is error_class
        assert raised.raw_body == body and raised.errors == []


@DEPTHS
@pytest.mark.parametrize("webhooks", [async_webhooks, sync_webhooks], ids=["async", "sync"])
def test_a_deep_signed_webhook_is_payload_invalid(webhooks: Any, depth: int) -> None:
    envelope = {"object": "event", "timestamp": 1, "instance_id": "ins_1"}
    deep = "nested too deeply"
    bodies = [
        (with_deep({**envelope, "type": "user.created"}, "data", depth), deep),
        (with_deep({**envelope, "type": "user.created", "data": {}}, "unknown_field", depth), deep),
        (with_deep({**envelope, "type": "an.event.added.later"}, "data", depth), deep),
        (f"[{nested(depth)}]".encode(), "not a Clerk event"),  # refused before it is read
    ]
    for body, problem in bodies:
        with pytest.raises(WebhookVerificationError, match=problem) as caught:
            webhooks.verify_webhook(body, webhooks.sign_webhook(body, SECRET), SECRET)
        assert caught.value.reason is WebhookVerificationErrorReason.PAYLOAD_INVALID
