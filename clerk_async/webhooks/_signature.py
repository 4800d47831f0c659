"""Svix / Standard Webhooks signatures: HMAC-SHA256 over ``id.timestamp.body``, checked or made.

The primitives are the standard library's (``hmac``, ``hashlib`` via ``hmac.digest``,
``base64``); this module only reads the headers, the secret and the timestamp strictly, so that
every way a request can be wrong is a :class:`WebhookVerificationError` with its own reason.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any

from clerk_async._lru import LruCache

from ._errors import WebhookVerificationError
from ._errors import WebhookVerificationErrorReason as Reason

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "SECRET_ENV",
    "Payload",
    "sign_webhook",
    "verify_webhook_signature",
]

SECRET_ENV = "CLERK_WEBHOOK_SIGNING_SECRET"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300
#: Header names, the Svix ones first (Clerk sends those); ``webhook-*`` is the unbranded form.
ID_HEADERS = ("svix-id", "webhook-id")
TIMESTAMP_HEADERS = ("svix-timestamp", "webhook-timestamp")
SIGNATURE_HEADERS = ("svix-signature", "webhook-signature")
_PAIRS = (ID_HEADERS, TIMESTAMP_HEADERS, SIGNATURE_HEADERS)
_V1 = b"v1,"
_SHA256_BASE64_LENGTH = 44
#: Longer digit strings are no time at all; 13 to 19 digits are milliseconds to nanoseconds,
#: reported as too new with a hint (svix-timestamp is in seconds).
_MAX_DIGITS = 19
#: A timestamp past the year 5138 is taken for milliseconds (or finer) in the message.
_NOT_SECONDS = 10**11

Payload = bytes | bytearray | memoryview | str


def verify_webhook_signature(
    payload: Payload,
    headers: Any,
    signing_secret: str | None = None,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bytes:
    """Check the signature and timestamp of a webhook; returns the verified body bytes.

    ``headers`` is a mapping or any framework's headers object (looked up case-insensitively);
    ``now`` (Unix seconds) replaces the clock, for tests and replays.
    """
    # The common case inline (this runs on every webhook); the helpers do the rest.
    known = _KEYS.get(hash(signing_secret)) if signing_secret.__class__ is str else None
    key = known[1] if known is not None and known[0] == signing_secret else _key(signing_secret)
    body = payload if payload.__class__ is bytes else _body(payload)
    get = getattr(headers, "get", None)
    if get is not None:
        msg_id = get("svix-id") or get("webhook-id")
        timestamp = get("svix-timestamp") or get("webhook-timestamp")
        signatures = get("svix-signature") or get("webhook-signature")
    if (
        get is None
        or msg_id.__class__ is not str
        or timestamp.__class__ is not str
        or signatures.__class__ is not str
        or not (msg_id and timestamp and signatures)
    ):
        msg_id, timestamp, signatures = _read_headers(headers)
    if tolerance_s is not DEFAULT_TOLERANCE_S:
        tolerance_s = _tolerance(tolerance_s)
    current = time.time() if now is None else _now(now)
    # Digits only: Svix's Python library accepts floats and spaces here, JS's parseInt junk.
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > _MAX_DIGITS:
        raise WebhookVerificationError(Reason.TIMESTAMP_INVALID)
    stamp = int(timestamp)
    if not current - tolerance_s <= stamp <= current + tolerance_s:
        raise _stale(stamp, current, tolerance_s)
    try:
        content = b"%s.%s.%s" % (msg_id.encode(), timestamp.encode(), body)
        raw = signatures.encode()
    except UnicodeEncodeError:  # a lone surrogate: no signer could have signed it
        raise WebhookVerificationError(
            Reason.SIGNATURE_MISMATCH, "A webhook header holds text that is not UTF-8."
        ) from None
    expected = base64.b64encode(hmac.digest(key, content, "sha256"))
    if raw[:3] == _V1 and hmac.compare_digest(raw[3:], expected):
        return body  # one signature, the usual header
    for entry in raw.split(b" "):
        if entry[:3] == _V1 and hmac.compare_digest(entry[3:], expected):
            return body
    raise _no_match(raw)


def sign_webhook(
    payload: Payload,
    signing_secret: str | None = None,
    *,
    msg_id: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The ``svix-*`` headers Clerk would send with ``payload``: for tests and the emulator."""
    key = _key(signing_secret)
    body = _body(payload)
    msg_id = msg_id if msg_id is not None else "msg_" + base64.b32encode(os.urandom(15)).decode()
    if not msg_id or "." in msg_id:
        raise ValueError("msg_id must be a non-empty string without '.'")
    stamp = str(int(time.time()) if timestamp is None else int(timestamp))
    signature = _sign(key, msg_id, stamp, body).decode("ascii")
    return {"svix-id": msg_id, "svix-timestamp": stamp, "svix-signature": "v1," + signature}


def _sign(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    content = b"%s.%s.%s" % (_utf8(msg_id), timestamp.encode(), body)
    return base64.b64encode(hmac.digest(key, content, "sha256"))


def _utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        raise ValueError("msg_id must be UTF-8 text") from None


# -- the secret -------------------------------------------------------------------------------


def _key(signing_secret: str | None) -> bytes:
    secret = os.environ.get(SECRET_ENV) if signing_secret is None else signing_secret
    if secret is None:
        raise WebhookVerificationError(Reason.SECRET_MISSING)
    if not isinstance(secret, str):
        raise TypeError(f"signing_secret must be a str, not {type(secret).__name__}")
    return _decode_secret(secret)


#: hash(secret) -> (secret, key), for the secrets seen last (one or two per application). Keyed
#: by Python's hash of the secret, not the secret; two secrets of one hash keep one entry, and a
#: caller checks that the entry is its secret's.
_KEYS: LruCache[int, tuple[str, bytes]] = LruCache(16)


def _decode_secret(secret: str) -> bytes:
    key = _parse_secret(secret)
    _KEYS.put(hash(secret), (secret, key))
    return key


def _parse_secret(secret: str) -> bytes:
    text = secret.strip()
    text = text.removeprefix(SECRET_PREFIX)
    if not text:
        raise WebhookVerificationError(Reason.SECRET_EMPTY)
    # Svix secrets are standard base64, often unpadded; anything else is not a secret.
    if len(text) % 4 == 1:
        raise WebhookVerificationError(Reason.SECRET_INVALID)
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(Reason.SECRET_INVALID) from None
    if not key:
        raise WebhookVerificationError(Reason.SECRET_EMPTY)
    return key


# -- the request ------------------------------------------------------------------------------


def _body(payload: Payload) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError:
            raise WebhookVerificationError(Reason.BODY_NOT_UTF8) from None
    if isinstance(payload, (bytearray, memoryview)):
        return bytes(payload)
    raise TypeError(
        f"payload must be the raw request body (bytes or str), not {type(payload).__name__}: "
        "parsed and re-encoded JSON is not the body that was signed"
    )


def _read_headers(headers: Any) -> tuple[str, str, str]:
    """(id, timestamp, signatures), the ``svix-*`` header of each preferred, from headers whose
    ``get`` is not case-insensitive (or that have none); a case-insensitive ``get`` with lower-case
    names is the fast path, inline in ``verify_webhook_signature``."""
    lowered = _lowered(headers)
    values = []
    for first, second in _PAIRS:
        value = lowered.get(first) or lowered.get(second)
        if not value:
            raise WebhookVerificationError(
                Reason.HEADER_MISSING,
                f"Missing webhook header {first} (or {second}).",
                header=first,
            )
        values.append(value)
    return values[0], values[1], values[2]


def _lowered(headers: Any) -> dict[str, str]:
    """Header names lower-cased, values as text (the first of repeated names wins)."""
    items: Iterable[Any]
    if isinstance(headers, Mapping) or hasattr(headers, "items"):
        items = headers.items()
    elif isinstance(headers, Iterable) and not isinstance(headers, (str, bytes)):
        items = headers  # (name, value) pairs, as in an ASGI scope
    else:
        raise TypeError(f"headers must be a mapping or a headers object, not {type(headers)}")
    out: dict[str, str] = {}
    for item in items:
        try:
            name, value = item
        except (TypeError, ValueError):
            raise TypeError("headers must hold (name, value) pairs") from None
        key = _text(name).lower()
        if key not in out:
            out[key] = _text(value)
    return out


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    return str(value)


# -- the timestamp ----------------------------------------------------------------------------


def _tolerance(tolerance_s: float) -> float:
    if isinstance(tolerance_s, bool) or not isinstance(tolerance_s, (int, float)):
        raise TypeError(f"tolerance_s must be a number of seconds, not {type(tolerance_s)}")
    if not tolerance_s >= 0:
        raise ValueError(f"tolerance_s must be 0 or more, not {tolerance_s}")
    return tolerance_s


def _now(now: float | None) -> float:
    if now is None:
        return time.time()
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        raise TypeError(f"now must be Unix seconds, not {type(now)}")
    if not math.isfinite(now):
        raise ValueError(f"now must be a finite number of Unix seconds, not {now}")
    return now


def _stale(stamp: int, now: float, tolerance: float) -> WebhookVerificationError:
    if stamp < now - tolerance:
        return WebhookVerificationError(
            Reason.TIMESTAMP_TOO_OLD,
            f"The webhook timestamp is {now - stamp:.0f} s old (tolerance {tolerance:g} s).",
        )
    if stamp >= _NOT_SECONDS:
        return WebhookVerificationError(
            Reason.TIMESTAMP_TOO_NEW,
            f"The webhook timestamp is too new (milliseconds?): {stamp} is not Unix seconds, "
            "which svix-timestamp holds.",
        )
    return WebhookVerificationError(
        Reason.TIMESTAMP_TOO_NEW,
        f"The webhook timestamp is {stamp - now:.0f} s ahead (tolerance {tolerance:g} s).",
    )


# -- no signature matched: say why ------------------------------------------------------------


def _no_match(raw: bytes) -> WebhookVerificationError:
    entries = [entry for entry in raw.split(b" ") if entry]
    if not entries:
        return WebhookVerificationError(Reason.SIGNATURE_HEADER_MALFORMED, "No signature given.")
    for entry in entries:
        version, comma, value = entry.partition(b",")
        if not comma or not version or not value:
            return WebhookVerificationError(
                Reason.SIGNATURE_HEADER_MALFORMED,
                "A webhook signature is not of the form <version>,<base64>.",
            )
        if version == b"v1" and not _is_sha256_base64(value):
            return WebhookVerificationError(
                Reason.SIGNATURE_HEADER_MALFORMED,
                "A v1 webhook signature is not the base64 of an HMAC-SHA256.",
            )
    if not any(entry.startswith(_V1) for entry in entries):
        return WebhookVerificationError(
            Reason.SIGNATURE_MISMATCH, "The webhook carries no v1 (HMAC-SHA256) signature."
        )
    return WebhookVerificationError(Reason.SIGNATURE_MISMATCH)


def _is_sha256_base64(value: bytes) -> bool:
    if len(value) != _SHA256_BASE64_LENGTH:
        return False
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(decoded) == 32 and base64.b64encode(decoded) == value
