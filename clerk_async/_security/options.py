"""The options of ``verify_token`` and ``authenticate_request``, named as in Clerk's Python SDK.

Checked when built, so a wrong type is reported where it was written, not deep in a request.
Neither ``repr`` shows a secret key.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, get_args

from clerk_async._config import ClientConfig

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_API_VERSION",
    "DEFAULT_CLOCK_SKEW_MS",
    "DEFAULT_JWKS_STALE_IF_ERROR_MS",
    "TOKEN_TYPE_NAMES",
    "AcceptsToken",
    "TokenTypeName",
    "AuthenticateRequestOptions",
    "VerifyTokenOptions",
    "Clock",
    "check_accepts_token",
    "client_options",
    "now_ms",
]

DEFAULT_API_URL = "https://api.clerk.com"
DEFAULT_API_VERSION = "v1"
DEFAULT_CLOCK_SKEW_MS = 5000
#: How long past its expiry a JWKS may still verify tokens while loading it again fails.
DEFAULT_JWKS_STALE_IF_ERROR_MS = 3_600_000
_DAY_MS = 86_400_000
#: A zero-argument callable returning the current time in Unix seconds (``time.time``).
Clock = Callable[[], float]
#: What ``accepts_token`` may name (``machine_token`` is Clerk's Python SDK's name of ``m2m_``).
TokenTypeName = Literal[
    "session_token", "api_key", "m2m_token", "machine_token", "oauth_token", "any"
]
TOKEN_TYPE_NAMES: frozenset[str] = frozenset(get_args(TokenTypeName))
#: One token type name or several (a route's ``accepts_token``).
AcceptsToken = TokenTypeName | Sequence[TokenTypeName]


@dataclass
class VerifyTokenOptions:
    """How to verify one token.

    ``jwt_key`` (the instance's PEM public key) verifies session tokens without any network call;
    otherwise ``secret_key`` fetches the JWKS from ``{api_url}/{api_version}/jwks``. Machine
    tokens (``ak_``, ``mt_``, ``oat_``) are verified by Clerk with ``secret_key`` (M2M tokens with
    ``machine_secret_key`` when given). ``authorized_parties``: allowed ``azp`` values (``None``
    or empty: not checked); ``audience``: checked only when set. ``clock``: what time it is, in
    Unix seconds, for ``exp``, ``nbf``, ``iat`` and a machine token's expiry (``time.time`` when
    ``None``; pass one to replay recorded tokens, or in tests). ``jwks_stale_if_error_in_ms``:
    how long past its 5 minutes a JWKS keeps verifying tokens while Clerk fails to serve a new
    one (one hour; ``0``: not at all).
    """

    audience: str | list[str] | None = None
    authorized_parties: list[str] | None = None
    clock_skew_in_ms: int = DEFAULT_CLOCK_SKEW_MS
    jwt_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    machine_secret_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    api_version: str = DEFAULT_API_VERSION
    clock: Clock | None = None
    jwks_stale_if_error_in_ms: int = DEFAULT_JWKS_STALE_IF_ERROR_MS

    def __post_init__(self) -> None:
        check_common(self)


@dataclass
class AuthenticateRequestOptions:
    """How to authenticate one request: the fields of :class:`VerifyTokenOptions`, plus

    ``accepts_token``: the token types accepted (``session_token`` by default, as in Clerk's JS
    backend; ``api_key``, ``m2m_token``, ``oauth_token``, or ``any``), a name or a list of names;
    ``publishable_key``: read this app's suffixed ``__session_<suffix>`` cookie when present.
    """

    secret_key: str | None = field(default=None, repr=False)
    machine_secret_key: str | None = field(default=None, repr=False)
    jwt_key: str | None = field(default=None, repr=False)
    audience: str | list[str] | None = None
    authorized_parties: list[str] | None = None
    clock_skew_in_ms: int = DEFAULT_CLOCK_SKEW_MS
    accepts_token: TokenTypeName | list[TokenTypeName] = field(
        default_factory=lambda: ["session_token"]
    )
    publishable_key: str | None = None
    api_url: str = DEFAULT_API_URL
    api_version: str = DEFAULT_API_VERSION
    clock: Clock | None = None
    jwks_stale_if_error_in_ms: int = DEFAULT_JWKS_STALE_IF_ERROR_MS

    def __post_init__(self) -> None:
        check_common(self)
        check_accepts_token(self.accepts_token)
        key = self.publishable_key
        if key is not None and (not isinstance(key, str) or not key.startswith("pk_")):
            raise ValueError("publishable_key must be a Clerk publishable key (pk_test_/pk_live_)")

    def verify_options(self) -> VerifyTokenOptions:
        """The :class:`VerifyTokenOptions` these options imply."""
        return VerifyTokenOptions(
            audience=self.audience,
            authorized_parties=self.authorized_parties,
            clock_skew_in_ms=self.clock_skew_in_ms,
            jwt_key=self.jwt_key,
            secret_key=self.secret_key,
            machine_secret_key=self.machine_secret_key,
            api_url=self.api_url,
            api_version=self.api_version,
            clock=self.clock,
            jwks_stale_if_error_in_ms=self.jwks_stale_if_error_in_ms,
        )


def check_accepts_token(accepts_token: object) -> Sequence[TokenTypeName]:
    """``accepts_token`` (a token type name, or a non-empty list of them) as a sequence of
    names; ``TypeError`` or ``ValueError`` saying what is wrong."""
    names = [accepts_token] if isinstance(accepts_token, str) else accepts_token
    if not isinstance(names, Sequence) or not names:
        raise TypeError("accepts_token must be a token type name or a non-empty list of them")
    for name in names:
        if not isinstance(name, str) or name not in TOKEN_TYPE_NAMES:
            raise ValueError(
                f"accepts_token: unknown token type {name!r}; "
                f"expected one of {', '.join(sorted(TOKEN_TYPE_NAMES))}"
            )
    return names


def check_common(options: Any) -> None:
    audience = options.audience
    if audience is not None and not _is_str_or_strs(audience):
        raise TypeError("audience must be a string, a list of strings, or None")
    parties = options.authorized_parties
    if parties is not None and (isinstance(parties, str) or not _is_str_or_strs(parties)):
        raise TypeError("authorized_parties must be a list of origins (strings) or None")
    for name in ("clock_skew_in_ms", "jwks_stale_if_error_in_ms"):
        value = getattr(options, name)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= _DAY_MS
        ):
            raise ValueError(f"{name} must be a number of milliseconds from 0 to one day")
    for name in ("jwt_key", "secret_key", "machine_secret_key"):
        value = getattr(options, name)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a string or None, not {type(value).__name__}")
    for name in ("secret_key", "machine_secret_key"):
        value = getattr(options, name)
        if value is not None and (
            not value or any(c.isspace() or not c.isprintable() for c in value)
        ):
            raise ValueError(f"{name} must be a non-empty key without spaces or control characters")
    for name in ("api_url", "api_version"):
        if not isinstance(getattr(options, name), str) or not getattr(options, name):
            raise TypeError(f"{name} must be a non-empty string")
    if not options.api_url.startswith(("https://", "http://")):
        raise ValueError("api_url must be an http:// or https:// URL")
    if options.clock is not None and not callable(options.clock):
        raise TypeError(
            "clock must be a function returning Unix seconds (such as time.time), not "
            + type(options.clock).__name__
        )


def now_ms(options: VerifyTokenOptions | AuthenticateRequestOptions) -> float:
    """The time of ``options``' clock (``time.time`` by default), in Unix milliseconds."""
    clock = options.clock
    if clock is None:
        return time.time() * 1000
    seconds = clock()
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"clock must return Unix seconds as a number, not {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise ValueError(f"clock must return a finite number of Unix seconds, not {seconds}")
    return seconds * 1000


def _is_str_or_strs(value: object) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, (list, tuple, frozenset, set)) and all(
        isinstance(item, str) for item in value
    )


OptionsT = TypeVar("OptionsT", VerifyTokenOptions, AuthenticateRequestOptions)


def client_options(options: Any, expected: type[OptionsT], config: ClientConfig) -> OptionsT:
    """``options`` checked for use with a client, which verifies with its own key and server."""
    if not isinstance(options, expected):
        raise TypeError(f"options must be {expected.__name__}, not {type(options).__name__}")
    if options.secret_key is not None and options.secret_key != config.secret_key():
        raise ValueError(
            "options.secret_key is not this client's key: a client verifies with its own key "
            "(use the module-level function, or a client of that instance)"
        )
    return options
