"""A correctly signed webhook is never refused for its shape: any field of an event may be absent.

``documented_events.json`` holds one payload per event type in the shapes Clerk documents them
(the ``user.created`` example of Clerk's webhooks overview, which leaves out 19 fields the spec
requires, and the example of each event type in Clerk's webhook spec): the same keys, nesting,
JSON types and id prefixes, with values of our own.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import clerk_async.webhooks as async_webhooks
import clerk_sync.webhooks as sync_webhooks
from clerk_async.emulator.samples import sample
from clerk_async.webhooks import (
    EVENT_TYPES,
    UserCreatedEvent,
    UserDeletedEvent,
    WebhookVerificationError,
    WebhookVerificationErrorReason,
    decode_webhook_event,
    sign_webhook,
)
from clerk_async.webhooks.models import User

HERE = Path(__file__).resolve().parent
README = HERE.parents[1] / "README.md"
DOCUMENTED: list[dict[str, Any]] = json.loads((HERE / "documented_events.json").read_text())
DOCS_USER_CREATED = DOCUMENTED[0]["event"]
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PACKAGES = pytest.mark.parametrize(
    "webhooks", [async_webhooks, sync_webhooks], ids=["async", "sync"]
)


def test_the_fixtures_cover_every_event_type() -> None:
    assert sorted({item["event"]["type"] for item in DOCUMENTED}) == sorted(EVENT_TYPES)
    assert DOCUMENTED[0]["source"].startswith("docs:")


@PACKAGES
@pytest.mark.parametrize("item", DOCUMENTED, ids=[item["source"] for item in DOCUMENTED])
def test_each_documented_payload_decodes_into_its_event(
    webhooks: ModuleType, item: dict[str, Any]
) -> None:
    payload = item["event"]
    body = json.dumps(payload).encode()

    event = webhooks.verify_webhook(body, sign_webhook(body, SECRET), SECRET)

    assert event.data.id == payload["data"].get("id")
    assert type(event) is EVENT_TYPES[payload["type"]]
    assert (event.instance_id, event.timestamp) == (payload["instance_id"], payload["timestamp"])


def test_fields_the_documented_user_created_leaves_out_are_none() -> None:
    event = decode_webhook_event(json.dumps(DOCS_USER_CREATED))

    assert isinstance(event, UserCreatedEvent)
    user = event.data
    assert user.first_name == DOCS_USER_CREATED["data"]["first_name"]
    assert (user.has_image, user.passkeys, user.banned, user.locked) == (None, None, None, None)
    assert user.email_addresses is not None
    assert user.email_addresses[0].reserved is None
    assert user.email_addresses[0].email_address == "person2@example.com"


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every object key in ``node``, outermost first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _without(text: str, path: tuple[str | int, ...]) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(text)
    node: Any = payload
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return payload


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_an_event_missing_any_one_field_still_decodes(event_type: str) -> None:
    event_class = EVENT_TYPES[event_type]
    full = sample(event_class)  # every field the models know (those the spec requires included)
    text = json.dumps(full)
    paths = [path for path in _paths(full) if path != ("type",)]  # the tag names the event
    assert len(paths) > 5
    for path in paths:
        event = decode_webhook_event(json.dumps(_without(text, path)))
        assert type(event) is event_class, path


def test_an_event_without_data_has_data_with_every_field_absent() -> None:
    event = decode_webhook_event(json.dumps({"type": "user.created"}))

    assert isinstance(event, UserCreatedEvent)
    assert event.data == User()
    assert (event.instance_id, event.timestamp) == (None, None)


def test_a_field_of_the_wrong_type_is_still_refused_with_its_path() -> None:
    body = json.dumps({**DOCS_USER_CREATED, "type": "user.deleted", "data": {"deleted": "yes"}})
    with pytest.raises(WebhookVerificationError, match=r"\$\.data\.deleted") as caught:
        decode_webhook_event(body)
    assert caught.value.reason is WebhookVerificationErrorReason.PAYLOAD_INVALID
    assert isinstance(decode_webhook_event(body.replace('"yes"', "true")), UserDeletedEvent)


def _readme_webhook_recipe(framework: str) -> str:
    """The block of the README's "Webhooks" section that serves webhooks with ``framework``."""
    section = README.read_text().split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    blocks: list[str] = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    (block,) = [b for b in blocks if f"from {framework} import" in b and "verify_webhook(" in b]
    return block


def _run_recipe_then(framework: str, check: str) -> subprocess.CompletedProcess[str]:
    """The README's webhook recipe for ``framework``, then ``check``, in a fresh interpreter."""
    code = _readme_webhook_recipe(framework) + "\n" + check
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_readme_fastapi_recipe_answers_2xx_to_the_documented_user_created() -> None:
    body = json.dumps(DOCS_USER_CREATED)
    done = _run_recipe_then(
        "fastapi",
        f"""body = {body!r}.encode()
with TestClient(app) as http:
    answer = http.post("/webhooks/clerk", content=body, headers=sign_webhook(body, SECRET))
print("answered", answer.status_code)
""",
    )
    assert done.stdout.splitlines()[-1:] == ["answered 204"], done.stdout + done.stderr


def test_the_readme_flask_recipe_answers_2xx_to_the_documented_user_created() -> None:
    body = json.dumps(DOCS_USER_CREATED)
    done = _run_recipe_then(
        "flask",
        f"""body = {body!r}.encode()
answer = http.post("/webhooks/clerk", data=body, headers=sign_webhook(body, SECRET))
print("answered", answer.status_code)
""",
    )
    assert done.stdout.splitlines()[-1:] == ["answered 204"], done.stdout + done.stderr
