"""Our signatures against Svix's own Python library, over many generated secrets and payloads.

Svix is the oracle: what it signs, accepts and refuses, we sign, accept and refuse (with our own
reasons); how Svix refuses is not asserted."""

from __future__ import annotations

import base64
import json
import random
import string
import time
from datetime import datetime, timezone

import svix.webhooks

from clerk_async.webhooks import (
    WebhookVerificationError,
    WebhookVerificationErrorReason,
    sign_webhook,
    verify_webhook_signature,
)

CASES = 300
R = WebhookVerificationErrorReason
_TEXT = string.ascii_letters + string.digits + " .,:;{}[]\"'\\/\n\tåé漢字🙂"


def _secret(rng: random.Random) -> str:
    """Standard Webhooks secrets: 24 to 64 random bytes, base64, with or without the prefix."""
    encoded = base64.b64encode(rng.randbytes(rng.randint(24, 64))).decode()
    if rng.random() < 0.3:
        encoded = encoded.rstrip("=")  # Svix's libraries accept unpadded secrets too
    return ("whsec_" if rng.random() < 0.7 else "") + encoded


def _payload(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choice(_TEXT) for _ in range(rng.randint(0, 400)))
    value = {
        "type": rng.choice(["user.created", "session.ended", "x.y"]),
        "data": {"id": "user_" + "".join(rng.choices(string.ascii_letters, k=27))},
        "n": rng.random(),
    }
    return json.dumps(value, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2]))


def _cases() -> list[tuple[str, str, str, int]]:
    rng = random.Random(20240415)
    now = int(time.time())
    return [
        (
            _secret(rng),
            "msg_" + "".join(rng.choices(string.ascii_letters + string.digits, k=27)),
            _payload(rng),
            now + rng.randint(-200, 200),
        )
        for _ in range(CASES)
    ]


def _mutate(rng: random.Random, text: str) -> str:
    index = rng.randrange(len(text))
    replacement = rng.choice([c for c in string.ascii_letters + "+/" if c != text[index]])
    return text[:index] + replacement + text[index + 1 :]


def test_svix_and_we_sign_alike_and_accept_each_other() -> None:
    for secret, msg_id, payload, timestamp in _cases():
        theirs = svix.webhooks.Webhook(secret)
        ours = sign_webhook(payload, secret, msg_id=msg_id, timestamp=timestamp)
        signed_at = datetime.fromtimestamp(timestamp, tz=timezone.utc)
        assert ours["svix-signature"] == theirs.sign(msg_id, signed_at, payload)

        theirs.verify(payload, ours)  # raises if Svix disagrees
        assert verify_webhook_signature(payload.encode(), ours, secret) == payload.encode()


def _svix_accepts(payload: str | bytes, headers: dict[str, str], secret: str) -> bool:
    """Svix's verdict, the oracle: how it says no (which error it raises) is its own affair."""
    try:
        svix.webhooks.Webhook(secret).verify(payload, headers)
    except Exception:
        return False
    return True


def _our_reason(
    payload: str | bytes, headers: dict[str, str], secret: str
) -> WebhookVerificationErrorReason | None:
    """Why we refuse the delivery, or ``None`` when we accept it."""
    body = payload.encode() if isinstance(payload, str) else payload
    try:
        verify_webhook_signature(body, headers, secret)
    except WebhookVerificationError as error:
        return error.reason
    return None


def test_what_svix_rejects_we_reject_and_say_why() -> None:
    rng = random.Random(7)
    for secret, msg_id, payload, timestamp in _cases()[:100]:
        good = sign_webhook(payload, secret, msg_id=msg_id, timestamp=timestamp)
        signature = good["svix-signature"]
        variants = [
            # The last two characters hold padding bits and "=": a change there may not count.
            (
                {**good, "svix-signature": "v1," + _mutate(rng, signature[3:-2]) + signature[-2:]},
                R.SIGNATURE_MISMATCH,
            ),
            ({**good, "svix-id": msg_id + "x"}, R.SIGNATURE_MISMATCH),
            ({**good, "svix-timestamp": str(timestamp + 1)}, R.SIGNATURE_MISMATCH),
            ({**good, "svix-timestamp": str(timestamp - 1000)}, R.TIMESTAMP_TOO_OLD),
            ({**good, "svix-timestamp": str(timestamp + 1000)}, R.TIMESTAMP_TOO_NEW),
        ]
        bodies = [payload + " ", payload[:-1] if payload else "x"]
        trials = [(payload, headers, reason) for headers, reason in variants]
        trials += [(body, good, R.SIGNATURE_MISMATCH) for body in bodies]
        for body, headers, reason in trials:
            ours = _our_reason(body, headers, secret)
            assert ours is reason
            assert _svix_accepts(body, headers, secret) is (ours is None)


def test_malformed_signature_headers_are_refused_as_malformed() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    good = sign_webhook(b"{}", secret)
    for signature in ("v1", "v1,abc", "v1,", ",abc", "v1,abc="):  # no comma; bad base64; empty
        headers = {**good, "svix-signature": signature}
        ours = _our_reason(b"{}", headers, secret)
        assert ours is R.SIGNATURE_HEADER_MALFORMED
        assert _svix_accepts(b"{}", headers, secret) is (ours is None)
