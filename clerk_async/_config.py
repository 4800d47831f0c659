"""Client configuration, resolved once from arguments and the environment. Pure and shared."""

from __future__ import annotations

import logging
import os
import platform
import sys

from ._retry import DEFAULT_RETRY_CONFIG, RetryConfig
from ._version import __version__
from .errors import MissingSecretKeyError

__all__ = ["DEFAULT_API_VERSION", "DEFAULT_SERVER_URL", "SERVERS", "ClientConfig"]

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


class ClientConfig:
    """Everything a client needs besides its transport. ``repr`` never shows the secret key."""

    __slots__ = (
        "_secret_key",
        "api_version",
        "base_headers",
        "logger",
        "public_headers",
        "retry_config",
        "server_url",
        "timeout_s",
    )

    def __init__(
        self,
        *,
        bearer_auth: str | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout_ms: int | None = None,
        retry_config: RetryConfig | None = None,
        api_version: str | None = None,
        debug_logger: logging.Logger | None = None,
        user_agent: str,
    ) -> None:
        key = bearer_auth if bearer_auth is not None else os.environ.get(SECRET_KEY_ENV) or None
        if key is not None:
            _check_secret_key(key)
        self._secret_key = key
        self.server_url = _resolve_server_url(server_url, server_idx)
        self.timeout_s = timeout_seconds(timeout_ms, "timeout_ms") or DEFAULT_TIMEOUT_MS / 1000
        self.retry_config = retry_config if retry_config is not None else DEFAULT_RETRY_CONFIG
        self.api_version = api_version or DEFAULT_API_VERSION
        self.logger = debug_logger if debug_logger is not None else _default_logger()
        self.public_headers = {
            "Clerk-API-Version": self.api_version,
            "User-Agent": user_agent,
            "Accept": "application/json",
        }
        self.base_headers: dict[str, str] | None = None
        if key is not None:
            self.base_headers = {"Authorization": "Bearer " + key, **self.public_headers}

    def headers(self) -> dict[str, str]:
        """The headers every request carries; raises when no secret key is configured."""
        if self.base_headers is None:
            raise MissingSecretKeyError(
                "no Clerk secret key: pass Clerk(bearer_auth=...) or set " + SECRET_KEY_ENV
            )
        return self.base_headers

    def __repr__(self) -> str:
        return (
            f"ClientConfig(server_url={self.server_url!r}, api_version={self.api_version!r}, "
            f"timeout_s={self.timeout_s:g}, secret_key={'set' if self._secret_key else 'missing'})"
        )


def user_agent(package: str, transport: str, transport_version: str) -> str:
    python = f"{platform.python_implementation()}/{platform.python_version()}"
    return f"clerk-client/{__version__} ({package}; {python}; {transport}/{transport_version})"


def timeout_seconds(timeout_ms: int | None, name: str) -> float | None:
    if timeout_ms is None:
        return None
    if isinstance(timeout_ms, bool) or not isinstance(timeout_ms, (int, float)) or timeout_ms <= 0:
        raise ValueError(f"{name} must be a positive number of milliseconds, not {timeout_ms!r}")
    return timeout_ms / 1000


def normalize_server_url(url: str) -> str:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"server_url must be an http:// or https:// URL, not {url!r}")
    return url.rstrip("/")


def _resolve_server_url(server_url: str | None, server_idx: int | None) -> str:
    if server_url is not None and server_idx is not None:
        raise ValueError("pass server_url or server_idx, not both")
    if server_url is not None:
        return normalize_server_url(server_url)
    if server_idx is not None:
        if not 0 <= server_idx < len(SERVERS):
            raise ValueError(f"server_idx must be in 0..{len(SERVERS) - 1}, not {server_idx}")
        return SERVERS[server_idx]
    from_env = os.environ.get(SERVER_URL_ENV)
    return normalize_server_url(from_env) if from_env else DEFAULT_SERVER_URL


def _check_secret_key(key: str) -> None:
    if not isinstance(key, str):
        raise TypeError(f"bearer_auth must be a string, not {type(key).__name__}")
    if not key or any(ch.isspace() or not ch.isprintable() for ch in key):
        raise ValueError("bearer_auth must be a non-empty key without spaces or control characters")


def _default_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if os.environ.get(LOG_ENV, "").lower() == "debug" and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    return logger
