"""The I/O of token verification: the JWKS fetch and the machine-token verify calls, made through
the client's generated operations (so its key, server, pool, retries, timeout and
``Clerk-API-Version`` apply). Mirrored into ``clerk_sync``; the rules are in ``_security``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from clerk_async._config import ClientConfig, user_agent
from clerk_async._lru import LruCache, secret_digest
from clerk_async._security.auth import RequestState
from clerk_async._security.claims import check_claims, check_time_claims
from clerk_async._security.jwks_cache import JwksCache, jwks_fetch_limits, log_stale_event
from clerk_async._security.jws import MAX_TOKEN_LENGTH, DecodedJws, decode_compact, signature_valid
from clerk_async._security.keys import load_jwt_key
from clerk_async._security.locks import AsyncFlightLock
from clerk_async._security.machine import machine_payload, reason_for_api_error
from clerk_async._security.options import (
    AuthenticateRequestOptions,
    VerifyTokenOptions,
    now_ms,
)
from clerk_async._security.reasons import (
    AuthErrorReason,
    AuthStatus,
    TokenVerificationError,
    TokenVerificationErrorReason,
)
from clerk_async._security.request import Credentials, read_credentials
from clerk_async._security.session_claims import copy_org_claims, read_session_claims
from clerk_async._security.token_types import (
    SESSION_JWT,
    JwtKind,
    TokenType,
    accepted_families,
    family,
    jwt_kind,
    opaque_type,
)
from clerk_async.errors import AuthenticationError, ClerkError, PermissionDeniedError

from .._base_client import AsyncAPIClient  # noqa: TID252
from .._transport import TRANSPORT_NAME, TRANSPORT_VERSION, AsyncTransport  # noqa: TID252
from ..resources.api_keys import AsyncApiKeys  # noqa: TID252
from ..resources.jwks import AsyncJwks  # noqa: TID252
from ..resources.m2m import AsyncM2m  # noqa: TID252
from ..resources.oauth_access_tokens import AsyncOauthAccessTokens  # noqa: TID252

__all__ = ["AsyncTokenVerifier", "authenticate_request", "verify_token"]

Reason = TokenVerificationErrorReason
Options = VerifyTokenOptions | AuthenticateRequestOptions
_SCOPES_KEPT = 16
_KEYS_KEPT = 8
_USER_AGENT = user_agent((__package__ or "").partition(".")[0], TRANSPORT_NAME, TRANSPORT_VERSION)
_JWT_TOKEN_TYPES = {JwtKind.M2M: TokenType.MACHINE_TOKEN_V2, JwtKind.OAUTH: TokenType.OAUTH_TOKEN}


class AsyncTokenVerifier:
    """Verifies tokens for one Clerk instance and keeps its JWKS cache.

    Bound to a client (``Clerk.authenticate_request``), it sends through that client; the
    module-level functions use one per (API URL, version, secret key) that opens a short-lived
    client for each fetch.
    """

    def __init__(
        self,
        client: AsyncAPIClient | None = None,
        *,
        secret_key: str | None = None,
        server_url: str | None = None,
    ) -> None:
        self._client = client
        self._secret_key = secret_key
        self._server_url = server_url
        self._jwks = JwksCache()
        self._lock = AsyncFlightLock()
        #: Clients sending with another key (a machine secret key), by the key's digest.
        self._keyed_clients: LruCache[bytes, AsyncAPIClient] = LruCache(_KEYS_KEPT)

    # -- the two entry points ------------------------------------------------------------------

    async def verify_token(self, token: str, options: Options) -> dict[str, Any]:
        """The verified claims of a session token (or Clerk's record of a machine token)."""
        token_type = opaque_type(token) if isinstance(token, str) else None
        if token_type is not None:
            return await self._verify_opaque(token, token_type, options)
        decoded = decode_compact(token)
        kind = jwt_kind(decoded.header, decoded.claims)
        if kind is JwtKind.M2M or kind is JwtKind.OAUTH:
            raise TokenVerificationError(Reason.INVALID_TOKEN_TYPE)
        if kind is JwtKind.FOREIGN:
            raise TokenVerificationError(Reason.TOKEN_INVALID)
        await self._check_signature(decoded, options)
        check_claims(decoded.claims, options, now_ms(options))
        return decoded.claims

    async def authenticate_request(
        self, request: object, options: AuthenticateRequestOptions
    ) -> RequestState:
        """Signed in or signed out with a reason; raises only for a wrong argument type."""
        credentials = read_credentials(request, options.publishable_key)
        token = credentials.token
        if token is None:
            return _signed_out(AuthErrorReason.SESSION_TOKEN_MISSING, credentials.no_token)
        families = accepted_families(options.accepts_token)
        try:
            token_type = opaque_type(token)
            if token_type is None:
                return await self._authenticate_jwt(token, credentials, families, options)
            if family(token_type) not in families or credentials.from_cookie:
                return _signed_out(AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED)
            payload = await self._verify_opaque(token, token_type, options)
            return RequestState(AuthStatus.SIGNED_IN, None, token, payload, token_type)
        except TokenVerificationError as error:
            if error.reason is Reason.SECRET_KEY_MISSING:
                return _signed_out(AuthErrorReason.SECRET_KEY_MISSING)
            return _signed_out(error.reason, str(error))

    async def _authenticate_jwt(
        self,
        token: str,
        credentials: Credentials,
        families: frozenset[str],
        options: AuthenticateRequestOptions,
    ) -> RequestState:
        decoded = decode_compact(token)
        kind = jwt_kind(decoded.header, decoded.claims)
        if kind is SESSION_JWT:  # the common case first: its one rule, no Enum looked up
            if "session_token" not in families:
                return _signed_out(AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED)
        else:
            if kind is JwtKind.FOREIGN:
                return _signed_out(Reason.TOKEN_INVALID)
            machine_type = _JWT_TOKEN_TYPES.get(kind)
            if family(kind) not in families or (credentials.from_cookie and machine_type):
                return _signed_out(AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED)
            if machine_type is not None:
                claims = await self._verify_machine_jwt(decoded, options)
                return RequestState(AuthStatus.SIGNED_IN, None, token, claims, machine_type)
            if kind is JwtKind.TEMPLATE and "any" not in families:
                return _signed_out(AuthErrorReason.TOKEN_TYPE_MISMATCH)
        if credentials.from_cookie and credentials.client_uat <= 0:
            return _signed_out(AuthErrorReason.SESSION_TOKEN_WITHOUT_CLIENT_UAT)
        await self._check_signature(decoded, options)
        claims = decoded.claims
        check_claims(claims, options, now_ms(options))
        iat = claims.get("iat")
        if (
            credentials.from_cookie
            and isinstance(iat, (int, float))
            and iat < credentials.client_uat
        ):
            return _signed_out(AuthErrorReason.SESSION_TOKEN_IAT_BEFORE_CLIENT_UAT)
        fields = read_session_claims(claims)  # once: the auth objects are built from them
        copy_org_claims(claims, fields)
        return RequestState.of_session(token, claims, fields)

    # -- JWTs ----------------------------------------------------------------------------------

    async def _verify_machine_jwt(self, decoded: DecodedJws, options: Options) -> dict[str, Any]:
        """A JWT-format M2M or OAuth token, verified without a call, with the instance key."""
        await self._check_signature(decoded, options)
        claims = decoded.claims
        if type(claims.get("sub")) is not str:
            raise TokenVerificationError(Reason.TOKEN_INVALID)
        check_time_claims(claims, options.clock_skew_in_ms, now_ms(options))
        return claims

    async def _check_signature(self, decoded: DecodedJws, options: Options) -> None:
        if options.jwt_key is not None:
            if not signature_valid(load_jwt_key(options.jwt_key), decoded):
                raise TokenVerificationError(Reason.TOKEN_INVALID_SIGNATURE)
            return
        if not self._has_secret_key():
            raise TokenVerificationError(Reason.SECRET_KEY_MISSING)
        kid = decoded.header.get("kid")
        if not kid:
            raise TokenVerificationError(Reason.JWK_KID_MISMATCH)
        stale_s = options.jwks_stale_if_error_in_ms / 1000
        cache = self._jwks
        generation = cache.generation
        key = cache.lookup(kid, cache.now(), stale_s=stale_s)
        if key is None:  # no usable set: load it (one fetch for every caller waiting on it)
            await self._load(generation, stale_s)
            generation = cache.generation
            key = cache.key_or_raise(kid, cache.now(), stale_s=stale_s)
        elif isinstance(key, TokenVerificationErrorReason):
            raise TokenVerificationError(key)
        if signature_valid(key, decoded):
            return
        # Perhaps a key rotated under the same kid: refetch, at most once per cooldown.
        await self._load(generation, stale_s)
        fresh = cache.lookup(kid, cache.now(), stale_s=stale_s)
        if fresh is None or fresh is key or isinstance(fresh, TokenVerificationErrorReason):
            raise TokenVerificationError(Reason.TOKEN_INVALID_SIGNATURE)
        if not signature_valid(fresh, decoded):
            raise TokenVerificationError(Reason.TOKEN_INVALID_SIGNATURE)

    async def _load(self, seen_generation: int, stale_s: float) -> None:
        """Fetch the key set unless another caller did since ``seen_generation`` (single flight)
        or the cache says not now (cooldown, or a load failed a moment ago)."""
        cache = self._jwks
        async with self._lock:
            if cache.generation != seen_generation:
                return
            refetch = cache.next_load(cache.now(), stale_s=stale_s)
            if refetch is None:
                return
            try:
                keys = await self._fetch_keys()
            except TokenVerificationError as error:
                now = cache.now()
                event = cache.fail(error.reason, refetch=refetch, now=now, stale_s=stale_s)
                if event is not None:
                    log_stale_event(event, error.reason, cache.stale_left(now, stale_s))
                return
            cache.store(keys, refetch=refetch, now=cache.now())

    async def _fetch_keys(self) -> list[Any]:
        async with self._api(None) as api:
            timeout_ms, retries = jwks_fetch_limits(api._config)
            try:
                jwks = await AsyncJwks(api).get(retries=retries, timeout_ms=timeout_ms)
            except (AuthenticationError, PermissionDeniedError):
                raise TokenVerificationError(Reason.SECRET_KEY_INVALID) from None
            except ClerkError:  # a deeply nested answer too (the response decoder says so)
                raise TokenVerificationError(Reason.JWK_FAILED_TO_LOAD) from None
        if not jwks.keys:
            raise TokenVerificationError(Reason.JWK_REMOTE_INVALID)
        return jwks.keys

    # -- opaque machine tokens -----------------------------------------------------------------

    async def _verify_opaque(
        self, token: str, token_type: TokenType, options: Options
    ) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenVerificationError(Reason.TOKEN_INVALID)
        is_m2m = token_type in (TokenType.MACHINE_TOKEN, TokenType.MACHINE_TOKEN_V2)
        key = options.machine_secret_key if is_m2m else None
        if key is None and not self._has_secret_key():
            raise TokenVerificationError(Reason.SECRET_KEY_MISSING)
        async with self._api(key) as api:
            try:
                if token_type is TokenType.API_KEY:
                    answer: Any = await AsyncApiKeys(api).verify_api_key(secret=token)
                elif token_type is TokenType.OAUTH_TOKEN:
                    answer = await AsyncOauthAccessTokens(api).verify(access_token=token)
                else:
                    answer = await AsyncM2m(api).verify_token(token=token)
            except ClerkError as error:
                raise TokenVerificationError(reason_for_api_error(error)) from None
        return machine_payload(answer, now_ms(options), options.clock_skew_in_ms)

    # -- reaching Clerk ------------------------------------------------------------------------

    def _has_secret_key(self) -> bool:
        if self._client is not None:
            return self._client._config.secret_key() is not None
        return self._secret_key is not None

    @asynccontextmanager
    async def _api(self, key: str | None) -> AsyncIterator[AsyncAPIClient]:
        """A client sending with ``key`` (``None``: the instance's secret key)."""
        client = self._client
        if client is None:  # built here, not as a Clerk: the client module imports this one
            transport = AsyncTransport()
            config = ClientConfig(
                bearer_auth=key or self._secret_key,
                server_url=self._server_url,
                user_agent=_USER_AGENT,
            )
            try:
                yield AsyncAPIClient(config, transport)
            finally:
                await transport.aclose()
            return
        if key is None:
            yield client
            return
        digest = secret_digest(key)
        keyed = self._keyed_clients.get(digest)
        if keyed is None:  # the same pool and rate limiter, another key (a machine secret key)
            keyed = AsyncAPIClient(_config_with_key(client._config, key), client._transport)
            keyed._limits = client._limits
            self._keyed_clients.put(digest, keyed)
        yield keyed


def _config_with_key(config: ClientConfig, key: str) -> ClientConfig:
    return ClientConfig(
        bearer_auth=key,
        server_url=config.server_url,
        timeout_ms=int(config.timeout_s * 1000),
        retry_config=config.retry_config,
        api_version=config.api_version,
        debug_logger=config.logger,
        user_agent=config.public_headers["User-Agent"],
    )


def _signed_out(
    reason: AuthErrorReason | TokenVerificationErrorReason, message: str | None = None
) -> RequestState:
    """A signed-out state; ``message`` when it says more than the reason's own message."""
    detail = message if message != reason.message else None
    return RequestState(AuthStatus.SIGNED_OUT, reason, detail=detail)


# -- the module-level functions ----------------------------------------------------------------

#: (API URL, version, the secret key's digest) -> its verifier.
_verifiers: LruCache[tuple[str, str, bytes | None], AsyncTokenVerifier] = LruCache(_SCOPES_KEPT)


def _verifier_for(options: Options) -> AsyncTokenVerifier:
    """One verifier (so one JWKS cache) per instance, for the functions used without a client."""
    secret = options.secret_key
    api_url, api_version = options.api_url.rstrip("/"), options.api_version.strip("/")
    scope = (api_url, api_version, None if secret is None else secret_digest(secret))
    verifier = _verifiers.get(scope)
    if verifier is None:
        verifier = AsyncTokenVerifier(secret_key=secret, server_url=f"{api_url}/{api_version}")
        _verifiers.put(scope, verifier)
    return verifier


async def verify_token(token: str, options: VerifyTokenOptions) -> dict[str, Any]:
    """Verify ``token`` and return its claims; raise :class:`TokenVerificationError` if it fails.

    With ``options.jwt_key`` a session token is verified without any network call; with
    ``options.secret_key`` the instance's JWKS is fetched (and cached for 5 minutes per instance).
    Machine tokens (``ak_``, ``mt_``, ``oat_``) are verified by Clerk and return its record.
    """
    if not isinstance(options, VerifyTokenOptions):
        raise TypeError("verify_token needs VerifyTokenOptions, not " + type(options).__name__)
    return await _verifier_for(options).verify_token(token, options)


async def authenticate_request(
    request: object, options: AuthenticateRequestOptions | None = None
) -> RequestState:
    """Authenticate ``request`` (an object with ``.headers``, or a mapping of headers).

    Returns a signed-in :class:`RequestState`, or a signed-out one with a ``reason``; it never
    raises for a bad token, only for an argument of the wrong type.
    """
    if options is None:
        options = AuthenticateRequestOptions()
    if not isinstance(options, AuthenticateRequestOptions):
        raise TypeError(
            "authenticate_request needs AuthenticateRequestOptions, not " + type(options).__name__
        )
    return await _verifier_for(options).authenticate_request(request, options)
