"""Where a request's token comes from: the ``Authorization`` header, else the session cookie.

``request`` is whatever a web framework hands over: an object with ``.headers`` (Starlette,
FastAPI, Django, Flask/Werkzeug, aiohttp.web) or a mapping of headers; names are looked up
case-insensitively either way. ``Authorization: Bearer <token>`` (any case of ``Bearer``) or a
bare ``Authorization: <token>`` gives the token; another scheme or an empty header falls back to
the cookies. The cookie is ``__session``, or with a publishable key this app's suffixed
``__session_<suffix>`` when present, never another app's; ``__client_uat`` comes with it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from clerk_async._text import shorten

__all__ = ["Credentials", "cookie_suffix", "header_lookup", "read_credentials"]

SESSION_COOKIE = "__session"
CLIENT_UAT_COOKIE = "__client_uat"


class Credentials(NamedTuple):
    token: str | None
    #: The token came from the session cookie (then ``client_uat`` applies).
    from_cookie: bool = False
    #: The ``__client_uat`` cookie as a number (0 when missing or not a number).
    client_uat: int = 0
    #: Without a token: why an ``Authorization`` header that came gave none, in a sentence.
    no_token: str | None = None


def header_lookup(request: object) -> Mapping[str, Any]:
    """The header mapping of ``request``; ``TypeError`` for anything that has none."""
    headers = getattr(request, "headers", request)
    if callable(getattr(headers, "get", None)):  # a Mapping, or what reads as one
        return headers  # type: ignore[return-value]
    raise TypeError(
        "authenticate_request needs a request with .headers, or a mapping of headers, not "
        + type(request).__name__
    )


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    value = headers.get(name)
    if value is None and type(headers) is dict:  # a plain dict is case-sensitive
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == name:
                value = candidate
                break
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) else None


def read_credentials(request: object, publishable_key: str | None = None) -> Credentials:
    headers = header_lookup(request)
    authorization = _header(headers, "authorization")
    no_token = None
    if authorization is not None:
        token = _bearer_token(authorization)
        if token:
            return Credentials(token)
        no_token = _unusable(authorization)
    cookie_header = _header(headers, "cookie")
    if not cookie_header:
        return Credentials(None, no_token=no_token)
    cookies = _cookies(cookie_header)
    session, uat = SESSION_COOKIE, CLIENT_UAT_COOKIE
    if publishable_key is not None:
        suffixed = f"{SESSION_COOKIE}_{cookie_suffix(publishable_key)}"
        if cookies.get(suffixed):
            session, uat = suffixed, f"{CLIENT_UAT_COOKIE}_{cookie_suffix(publishable_key)}"
    token = cookies.get(session)
    if not token:
        return Credentials(None, no_token=no_token)
    return Credentials(token, from_cookie=True, client_uat=_int(cookies.get(uat)))


def _bearer_token(value: str) -> str | None:
    value = value.strip()
    scheme, space, rest = value.partition(" ")
    if not space:  # a bare token, as Clerk's JS backend reads it (but not a bare scheme)
        return None if value.lower() == "bearer" else value
    if scheme.lower() != "bearer":
        return None  # Basic, Digest, ...: not ours
    return rest.strip() or None


def _unusable(authorization: str) -> str:
    """Why an ``Authorization`` header gave no token, as the message of a signed-out state."""
    scheme = authorization.strip().partition(" ")[0]
    if not scheme:
        problem = "the Authorization header is empty"
    elif scheme.lower() == "bearer":
        problem = "the Authorization header says Bearer but holds no token"
    else:
        problem = f"the Authorization header uses the {shorten(scheme, 20)!r} scheme, not Bearer"
    return f"No session token: {problem}, and no __session cookie came with the request."


def _cookies(header: str) -> dict[str, str]:
    """The cookies named ``__session*`` or ``__client_uat*``; the first of a name wins."""
    found: dict[str, str] = {}
    for pair in header.split(";"):
        name, equals, value = pair.strip().partition("=")
        if equals and name.startswith(("__session", "__client_uat")) and name not in found:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            found[name] = value
    return found


@lru_cache(maxsize=16)
def cookie_suffix(publishable_key: str) -> str:
    """Clerk's cookie suffix of an app: the first 8 characters of base64url(SHA-1(key))."""
    digest = hashlib.sha1(publishable_key.encode("utf-8"), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:8]


def _int(value: str | None) -> int:
    if value is None or not (value.isascii() and value.isdigit()) or len(value) > 20:
        return 0
    return int(value)
