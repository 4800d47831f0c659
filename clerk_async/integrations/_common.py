"""What the framework integrations share, framework-free: their configuration.

The async adapters (FastAPI, Starlette, aiohttp.web) take a client and options, by default from
the environment (:func:`options_from_env`). Django and Flask read a :class:`ClerkSettings` from
their settings; each setting falls back to the environment variable of the same name:
``CLERK_SECRET_KEY``, ``CLERK_API_URL``, ``CLERK_PUBLISHABLE_KEY`` (this app's suffixed session
cookie), ``CLERK_JWT_KEY`` (networkless session checks), ``CLERK_MACHINE_SECRET_KEY``,
``CLERK_AUTHORIZED_PARTIES`` (a list, or a comma-separated string), and, from the settings only,
``CLERK_CLIENT_OPTIONS`` (more keyword arguments of both clients, such as ``{"cache": True}``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from clerk_async._security.auth import AuthObject, RequestState, SignedOutAuthObject
from clerk_async._security.options import (
    AcceptsToken,
    AuthenticateRequestOptions,
    TokenTypeName,
)
from clerk_async._security.token_types import accepted_families

if TYPE_CHECKING:
    import clerk_async
    import clerk_sync

__all__ = [
    "AUTHORIZED_PARTIES_ENV",
    "JWT_KEY_ENV",
    "PUBLISHABLE_KEY_ENV",
    "ClerkSettings",
    "auth_of",
    "options_from_env",
    "subject_of",
    "user_id_of",
]

JWT_KEY_ENV = "CLERK_JWT_KEY"
PUBLISHABLE_KEY_ENV = "CLERK_PUBLISHABLE_KEY"
#: Comma-separated origins of your frontends (checked against a token's ``azp``).
AUTHORIZED_PARTIES_ENV = "CLERK_AUTHORIZED_PARTIES"

_KEYS = ("CLERK_SECRET_KEY", "CLERK_API_URL", PUBLISHABLE_KEY_ENV, JWT_KEY_ENV)
_MORE_KEYS = ("CLERK_MACHINE_SECRET_KEY", AUTHORIZED_PARTIES_ENV)
#: The one setting the environment does not give: keyword arguments of both clients.
CLIENT_OPTIONS = "CLERK_CLIENT_OPTIONS"


def options_from_env() -> AuthenticateRequestOptions:
    """``AuthenticateRequestOptions`` from ``CLERK_JWT_KEY``, ``CLERK_PUBLISHABLE_KEY`` and
    ``CLERK_AUTHORIZED_PARTIES`` (unset or empty: not used). The secret key and the API URL are
    the client's own (``CLERK_SECRET_KEY``, ``CLERK_API_URL``)."""
    parties = os.environ.get(AUTHORIZED_PARTIES_ENV, "")
    return AuthenticateRequestOptions(
        jwt_key=os.environ.get(JWT_KEY_ENV) or None,
        publishable_key=os.environ.get(PUBLISHABLE_KEY_ENV) or None,
        authorized_parties=[party.strip() for party in parties.split(",") if party.strip()] or None,
    )


class ClerkSettings:
    """One app's configuration, checked when read, and its two clients, built on first use.

    ``lookup(name)`` returns a setting or ``None``; the environment fills what it does not give.
    One client per flavour for the app: one JWKS cache and one connection pool each.
    """

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        found = {name: _setting(lookup, name) for name in (*_KEYS, *_MORE_KEYS)}
        for name, value in found.items():
            if value is not None and name != "CLERK_AUTHORIZED_PARTIES" and type(value) is not str:
                raise TypeError(f"{name} must be a string, not {type(value).__name__}")
        self.secret_key: str | None = found["CLERK_SECRET_KEY"]
        self.api_url: str | None = found["CLERK_API_URL"]
        client_options = lookup(CLIENT_OPTIONS)
        if client_options is not None and not isinstance(client_options, Mapping):
            raise TypeError(f"{CLIENT_OPTIONS} must be a dict of Clerk() keyword arguments")
        self.client_options: dict[str, Any] = dict(client_options or {})
        self._base = AuthenticateRequestOptions(
            publishable_key=found["CLERK_PUBLISHABLE_KEY"],
            jwt_key=found["CLERK_JWT_KEY"],
            machine_secret_key=found["CLERK_MACHINE_SECRET_KEY"],
            authorized_parties=_parties(found["CLERK_AUTHORIZED_PARTIES"]),
        )
        self._options: dict[frozenset[str], AuthenticateRequestOptions] = {}
        self._lock = threading.Lock()
        self._sync: clerk_sync.Clerk | None = None
        self._async: clerk_async.Clerk | None = None

    def options(self, accepts_token: AcceptsToken) -> AuthenticateRequestOptions:
        """The options of an authentication that accepts ``accepts_token`` (made once)."""
        families = accepted_families(accepts_token)
        options = self._options.get(families)
        if options is None:
            base = self._base
            options = AuthenticateRequestOptions(
                publishable_key=base.publishable_key,
                jwt_key=base.jwt_key,
                machine_secret_key=base.machine_secret_key,
                authorized_parties=base.authorized_parties,
                # Checked again by the options: families only holds names they accept.
                accepts_token=cast("list[TokenTypeName]", sorted(families)),
            )
            self._options[families] = options
        return options

    def sync_client(self) -> clerk_sync.Clerk:
        """The app's blocking client (``clerk_sync``)."""
        client = self._sync
        if client is None:
            with self._lock:
                if self._sync is None:
                    from clerk_sync import Clerk

                    self._sync = Clerk(self.secret_key, self.api_url, **self.client_options)
                client = self._sync
        return client

    def async_client(self) -> clerk_async.Clerk:
        """The app's async client (``clerk_async``), imported on first use: a sync-only app
        never imports aiohttp."""
        client = self._async
        if client is None:
            with self._lock:
                if self._async is None:
                    from clerk_async import Clerk

                    self._async = Clerk(self.secret_key, self.api_url, **self.client_options)
                client = self._async
        return client

    def close(self) -> None:
        """Close the blocking client; the async one closes its connections when collected."""
        with self._lock:
            client, self._sync, self._async = self._sync, None, None
        if client is not None:
            client.close()


def auth_of(state: RequestState) -> AuthObject:
    """The auth object of a request: signed out (``is_authenticated`` false) unless signed in."""
    return state.to_auth() if state.is_signed_in else SignedOutAuthObject()


def subject_of(auth: AuthObject) -> str | None:
    """Who ``auth`` stands for: its user, else its machine, else the token's own id."""
    for name in ("user_id", "machine_id", "id"):
        value = getattr(auth, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def user_id_of(auth: object) -> str | None:
    """The user of a signed-in auth object; ``None`` when signed out or for a token of no user
    (an M2M token)."""
    if not isinstance(auth, AuthObject) or not auth.is_authenticated:
        return None
    user_id = auth.user_id
    return user_id if isinstance(user_id, str) and user_id else None


def _setting(lookup: Callable[[str], Any], name: str) -> Any:
    value = lookup(name)
    if value is None or value == "":
        value = os.environ.get(name) or None
    return value


def _parties(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [party.strip() for party in value.split(",") if party.strip()]
    if isinstance(value, Sequence) and all(isinstance(party, str) for party in value):
        return list(value)
    raise TypeError("CLERK_AUTHORIZED_PARTIES must be a list of origins, or a comma-separated str")
