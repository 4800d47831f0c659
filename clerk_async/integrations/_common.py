"""Framework-free helpers every integration shares: the options read from the environment."""

from __future__ import annotations

import os

from clerk_async._security.options import AuthenticateRequestOptions

__all__ = ["AUTHORIZED_PARTIES_ENV", "JWT_KEY_ENV", "PUBLISHABLE_KEY_ENV", "options_from_env"]

JWT_KEY_ENV = "CLERK_JWT_KEY"
PUBLISHABLE_KEY_ENV = "CLERK_PUBLISHABLE_KEY"
#: Comma-separated origins of your frontends (checked against a token's ``azp``).
AUTHORIZED_PARTIES_ENV = "CLERK_AUTHORIZED_PARTIES"


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
