"""``Clerk.authenticate_request`` and ``Clerk.verify_token``. Mirrored into ``clerk_sync``.

The verifier is imported on first use, so building a client stays as cheap as before (and
``import clerk_async`` never imports ``cryptography``); the options module is small and imported
here, not per request.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from clerk_async._security.options import (
    AuthenticateRequestOptions,
    VerifyTokenOptions,
    client_options,
)

from ._base_client import AsyncAPIClient

if TYPE_CHECKING:
    from clerk_async._security.auth import RequestState

    from .security._verify import AsyncTokenVerifier

__all__ = ["AsyncRequestAuthentication"]


class AsyncRequestAuthentication(AsyncAPIClient):
    """Request and token verification with this client's key, server, pool, retries and timeout,
    and one JWKS cache per client."""

    @functools.cached_property
    def _token_verifier(self) -> AsyncTokenVerifier:
        from .security._verify import AsyncTokenVerifier

        return AsyncTokenVerifier(self)

    async def authenticate_request(
        self, request: object, options: AuthenticateRequestOptions | None = None
    ) -> RequestState:
        """Authenticate ``request`` (an object with ``.headers``, or a mapping of headers).

        Signed in, or signed out with a ``reason``; never raises for a bad token. The JWKS and
        the machine-token verify calls go through this client.
        """
        if options is None:
            options = AuthenticateRequestOptions()
        checked = client_options(options, AuthenticateRequestOptions, self._config)
        return await self._token_verifier.authenticate_request(request, checked)

    async def verify_token(
        self, token: str, options: VerifyTokenOptions | None = None
    ) -> dict[str, Any]:
        """The verified claims of ``token``; raises ``TokenVerificationError`` if it fails."""
        if options is None:
            options = VerifyTokenOptions()
        checked = client_options(options, VerifyTokenOptions, self._config)
        return await self._token_verifier.verify_token(token, checked)
