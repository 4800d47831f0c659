"""What the async adapters (FastAPI, Starlette, aiohttp.web) share, framework-free: one client and
its options, a request authenticated at most once per set of accepted token types (the states
are kept in a mapping the adapter keeps on the request), and the shared access decision.

No rule lives here: ``authenticate_request`` verifies, ``decide_access`` answers (as
``admit``: the auth object itself for a request that passes).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Hashable, MutableMapping
from typing import TYPE_CHECKING, Any

from clerk_async._security.access import AccessDecision, Requirement, admit
from clerk_async._security.auth import AuthObject, RequestState
from clerk_async._security.options import AcceptsToken, AuthenticateRequestOptions, client_options
from clerk_async._security.token_types import accepted_families
from clerk_async.errors import NotFoundError

from ._common import options_from_env, user_id_of

if TYPE_CHECKING:
    from clerk_async import Clerk
    from clerk_async.models import User

__all__ = ["AsyncGate", "RequestStates"]

#: A request's states, by what they were authenticated with (client, options, token families).
RequestStates = MutableMapping[Hashable, RequestState]


class AsyncGate:
    """A ``clerk_async.Clerk`` (default: ``Clerk()``, configured from the environment) and the
    ``AuthenticateRequestOptions`` to verify with (default: from the environment)."""

    __slots__ = ("_by_families", "_verifier", "clerk", "options", "signed_in")

    def __init__(
        self, clerk: Clerk | None = None, options: AuthenticateRequestOptions | None = None
    ) -> None:
        from clerk_async import Clerk

        if clerk is not None and not isinstance(clerk, Clerk):
            raise TypeError(
                "clerk must be a clerk_async.Clerk (the async client), not " + type(clerk).__name__
            )
        if options is not None and not isinstance(options, AuthenticateRequestOptions):
            raise TypeError(
                "options must be AuthenticateRequestOptions, not " + type(options).__name__
            )
        self.clerk = clerk if clerk is not None else Clerk()
        self.options = options if options is not None else options_from_env()
        client_options(self.options, AuthenticateRequestOptions, self.clerk._config)
        #: Gates of the same client and options share a request's states (a middleware's and a
        #: route's, say); gates that verify differently never see each other's.
        self._verifier = (id(self.clerk), _fingerprint(self.options))
        #: By the token families a route accepts: its key in a request's states, and the
        #: options to authenticate with (worked out when a route is declared, or once).
        self._by_families: dict[frozenset[str], tuple[Hashable, AuthenticateRequestOptions]] = {}
        #: Signed in with a token of the types the options accept (what a middleware attaches).
        self.signed_in = self.declare(Requirement(accepts_token=self.options.accepts_token))

    def declare(self, requirement: Requirement) -> Requirement:
        """``requirement``, with what it verifies with worked out now (a route's mistake shows
        where it is declared, and no request pays for it)."""
        self._options_for(requirement.accepts_token)
        return requirement

    def _options_for(
        self, accepts_token: AcceptsToken
    ) -> tuple[Hashable, AuthenticateRequestOptions]:
        families = accepted_families(accepts_token)
        found = self._by_families.get(families)
        if found is None:
            names = [accepts_token] if isinstance(accepts_token, str) else list(accepts_token)
            options = dataclasses.replace(self.options, accepts_token=names)
            client_options(options, AuthenticateRequestOptions, self.clerk._config)
            found = self._by_families[families] = ((self._verifier, families), options)
        return found

    async def admit(
        self, request: object, states: RequestStates, requirement: Requirement
    ) -> AuthObject | AccessDecision:
        """The auth object of a request that meets ``requirement``, else the refusal to answer
        (``decide_access``'s); the request is authenticated once per set of token types."""
        route = self._by_families.get(requirement._families)
        if route is None:
            route = self._options_for(requirement.accepts_token)
        key, options = route
        state = states.get(key)
        if state is None:
            # The client's verifier itself: these options were checked against the client when
            # they were made (Clerk.authenticate_request checks them again on every request).
            verifier = self.clerk._token_verifier
            state = states[key] = await verifier.authenticate_request(request, options)
        return admit(state, requirement)

    async def user(self, auth: AuthObject) -> User | None:
        """The full ``User`` behind ``auth`` (one ``users.get`` through the client), or ``None``
        for a token that stands for no user (a machine) or a user deleted since it was issued."""
        user_id = user_id_of(auth)
        if user_id is None:
            return None
        try:
            return await self.clerk.users.get(user_id)
        except NotFoundError:
            return None


def _fingerprint(options: AuthenticateRequestOptions) -> str:
    """What ``options`` verify with, as a digest (so that no key sits in a request's state);
    ``accepts_token`` aside: it is keyed apart."""
    values: list[Any] = []
    for item in dataclasses.fields(options):
        if item.name != "accepts_token":
            value = getattr(options, item.name)
            values.append(tuple(value) if isinstance(value, list) else value)
    return hashlib.sha256(repr(values).encode()).hexdigest()
