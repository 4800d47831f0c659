"""Client configuration, resolved once from arguments and the environment. Pure and shared."""

from __future__ import annotations

import logging
import math
import os
import platform
import re
import sys
from collections.abc import Callable

from ._ratelimit import RateLimit
from ._ratelimit_settings import RateLimitSettings, rate_limit_settings
from ._retry import DEFAULT_RETRY_CONFIG, RetryConfig
from ._text import shorten
from ._version import __version__
from .errors import MissingSecretKeyError

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_SERVER_URL",
    "SERVERS",
    "ClientConfig",
    "KeySource",
    "positive_int",
]

#: The seed's server table: ``server_idx=0`` selects the first entry.
SERVERS = ("https://api.clerk.com/v1",)
DEFAULT_SERVER_URL = SERVERS[0]
#: The Clerk API version this client is generated from, sent as ``Clerk-API-Version``.
DEFAULT_API_VERSION = "2026-05-12"
DEFAULT_TIMEOUT_MS = 30_000
SECRET_KEY_ENV = "CLERK_SECRET_KEY"
SERVER_URL_ENV = "CLERK_API_URL"
LOG_ENV = "CLERK_LOG"
LOGGER_NAME = "clerk"


#: ``bearer_auth`` may be a zero-argument callable returning the key: it is called for every
#: request, which is how a key rotates without building a new client.
KeySource = Callable[[], str]
_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ClientConfig:
    """Everything a client needs besides its transport. ``repr`` never shows the secret key.

    Every argument is checked here, at construction, so a wrong one fails before anything is sent
    and names itself.
    """

    __slots__ = (
        "_headers_for_key",
        "_key_source",
        "_secret_key",
        "api_version",
        "base_headers",
        "logger",
        "public_headers",
        "rate_limit",
        "retry_config",
        "server_url",
        "timeout_s",
    )

    def __init__(
        self,
        *,
        bearer_auth: str | KeySource | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout_ms: int | None = None,
        retry_config: RetryConfig | None = None,
        api_version: str | None = None,
        debug_logger: logging.Logger | None = None,
        rate_limit: RateLimit | RateLimitSettings | str | None = None,
        user_agent: str,
    ) -> None:
        self._key_source: KeySource | None = None
        key: str | None = None
        if callable(bearer_auth):
            self._key_source = bearer_auth
        else:
            key = bearer_auth if bearer_auth is not None else os.environ.get(SECRET_KEY_ENV) or None
            if key is not None:
                _check_secret_key(key)
        self._secret_key = key
        self.server_url = _resolve_server_url(server_url, server_idx)
        self.timeout_s = timeout_seconds(timeout_ms, "timeout_ms") or DEFAULT_TIMEOUT_MS / 1000
        self.retry_config = _check_retry_config(retry_config)
        self.api_version = _check_api_version(api_version)
        self.logger = _check_logger(debug_logger) if debug_logger is not None else _default_logger()
        self.rate_limit = rate_limit_settings(rate_limit)
        self.public_headers = {
            "Clerk-API-Version": self.api_version,
            "User-Agent": user_agent,
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
        }
        self.base_headers: dict[str, str] | None = None
        if key is not None:
            self.base_headers = self._authorized(key)
        self._headers_for_key: tuple[str, dict[str, str]] | None = None

    def _authorized(self, key: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + key, **self.public_headers}

    def headers(self) -> dict[str, str]:
        """The headers every request carries; raises when no secret key is configured."""
        if self._key_source is not None:
            return self._headers_from_source(self._key_source)
        if self.base_headers is None:
            raise _missing_key()
        return self.base_headers

    def _headers_from_source(self, source: KeySource) -> dict[str, str]:
        key = source()
        if not key:
            raise _missing_key()
        cached = self._headers_for_key
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            _check_secret_key(key)
        except (TypeError, ValueError) as exc:
            message = str(exc).replace("bearer_auth must", "bearer_auth() must return")
            raise type(exc)(message) from None
        headers = self._authorized(key)
        self._headers_for_key = (key, headers)
        return headers

    def secret_key(self) -> str | None:
        """The key the next request will carry (``None`` when none is configured)."""
        if self._key_source is not None:
            key = self._key_source()
            return key if isinstance(key, str) and key else None
        return self._secret_key

    def __repr__(self) -> str:
        has_key = self._key_source is not None or self._secret_key is not None
        return (
            f"ClientConfig(server_url={self.server_url!r}, api_version={self.api_version!r}, "
            f"timeout_s={self.timeout_s:g}, secret_key={'set' if has_key else 'missing'})"
        )


def _missing_key() -> MissingSecretKeyError:
    return MissingSecretKeyError(
        "no Clerk secret key: pass Clerk(bearer_auth=...) or set " + SECRET_KEY_ENV
    )


def user_agent(package: str, transport: str, transport_version: str) -> str:
    python = f"{platform.python_implementation()}/{platform.python_version()}"
    return f"clerk-client/{__version__} ({package}; {python}; {transport}/{transport_version})"


def timeout_seconds(timeout_ms: int | None, name: str) -> float | None:
    if timeout_ms is None:
        return None
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, (int, float)):
        raise TypeError(f"{name} must be a number of milliseconds, not {type(timeout_ms).__name__}")
    if not 0 < timeout_ms < math.inf:
        raise ValueError(f"{name} must be a positive number of milliseconds, not {timeout_ms!r}")
    return timeout_ms / 1000


def positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def normalize_server_url(url: str) -> str:
    if not isinstance(url, str):
        raise TypeError(f"server_url must be a string, not {type(url).__name__}")
    if not url.startswith(("http://", "https://")) or any(ch.isspace() for ch in url):
        raise ValueError(f"server_url must be an http:// or https:// URL, not {shorten(url)!r}")
    return url.rstrip("/")


def _resolve_server_url(server_url: str | None, server_idx: int | None) -> str:
    if server_url is not None and server_idx is not None:
        raise ValueError("pass server_url or server_idx, not both")
    if server_url is not None:
        return normalize_server_url(server_url)
    if server_idx is not None:
        if isinstance(server_idx, bool) or not isinstance(server_idx, int):
            raise TypeError(f"server_idx must be an int, not {type(server_idx).__name__}")
        if not 0 <= server_idx < len(SERVERS):
            raise ValueError(f"server_idx must be in 0..{len(SERVERS) - 1}, not {server_idx}")
        return SERVERS[server_idx]
    from_env = os.environ.get(SERVER_URL_ENV)
    return normalize_server_url(from_env) if from_env else DEFAULT_SERVER_URL


def _check_secret_key(key: str) -> None:
    if not isinstance(key, str):
        raise TypeError(
            f"bearer_auth must be a string (or a callable returning one), not {type(key).__name__}"
        )
    if not key or not key.isascii() or any(ch.isspace() or not ch.isprintable() for ch in key):
        raise ValueError("bearer_auth must be a non-empty key without spaces or control characters")


def _check_retry_config(retry_config: object) -> RetryConfig:
    if retry_config is None:
        return DEFAULT_RETRY_CONFIG
    if not isinstance(retry_config, RetryConfig):
        raise TypeError(
            "retry_config must be a RetryConfig (RetryConfig('none') disables retries), "
            f"not {type(retry_config).__name__}"
        )
    return retry_config


def _check_api_version(api_version: object) -> str:
    if api_version is None:
        return DEFAULT_API_VERSION
    if not isinstance(api_version, str):
        raise TypeError(
            f"api_version must be a string such as {DEFAULT_API_VERSION!r}, "
            f"not {type(api_version).__name__}"
        )
    if not _API_VERSION.match(api_version):
        raise ValueError(
            f"api_version must be a date such as {DEFAULT_API_VERSION!r}, not {api_version!r}"
        )
    return api_version


def _check_logger(logger: object) -> logging.Logger:
    if not (
        callable(getattr(logger, "debug", None)) and callable(getattr(logger, "isEnabledFor", None))
    ):
        raise TypeError(
            f"debug_logger must be a logging.Logger (or adapter), not {type(logger).__name__}"
        )
    return logger  # type: ignore[return-value]


class _UnlessTheAppLogs(logging.Filter):
    """Pass a record to our stderr handler only when the application configured no logging of
    its own; otherwise the record reaches the application's handlers, and printing it here too
    would show every line twice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not logging.getLogger().handlers


def _default_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if os.environ.get(LOG_ENV, "").lower() == "debug" and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler.addFilter(_UnlessTheAppLogs())
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    return logger
