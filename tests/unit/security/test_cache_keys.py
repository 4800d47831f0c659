"""No cache is keyed by a secret, and every cache is bounded by the same policy.

Each secret of a verification (a webhook signing secret, a Clerk secret key, a machine secret
key) is used once through each path that caches something, then every module-level cache of
both packages is opened (``functools.lru_cache``'s through the garbage collector, which sees
its dictionary) and every key searched for the secrets, in any nesting.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import clerk_async.security as async_security
import clerk_sync.security as sync_security
from clerk_async import Clerk as AsyncClerk
from clerk_async._lru import LruCache
from clerk_async.webhooks import sign_webhook, verify_webhook_signature
from clerk_sync import Clerk
from clerk_sync.security._verify import SyncTokenVerifier
from tests.support.server import Reply, ScriptedServer
from tests.support.tokens import KID, jwks_of, pem_of, rsa_key, sign

WEBHOOK_SECRET = "whsec_c2VjcmV0LWtleS1vZi10aGUtY2FjaGUtdGVzdA=="
SECRET_KEY = "sk_test_secret_key_of_the_cache_test"
MACHINE_KEY = "ak_machine_secret_of_the_cache_test"
SECRETS = (WEBHOOK_SECRET, WEBHOOK_SECRET.removeprefix("whsec_"), SECRET_KEY, MACHINE_KEY)
M2M_TOKEN = "mt_" + "1" * 32


@pytest.fixture(autouse=True)
def _forget_the_verifiers() -> Iterator[None]:
    """The module-level verifiers made here (and their JWKS) are not left to other tests."""
    yield
    for package in (async_security, sync_security):
        package._verify._verifiers.clear()


def _module_caches() -> Iterator[tuple[str, Any]]:
    for name, module in list(sys.modules.items()):
        if not name.startswith(("clerk_async", "clerk_sync")):
            continue
        for attribute, value in vars(module).items():
            # isinstance only: a framework's proxy (Flask's ``g``) raises on any getattr
            if isinstance(value, (functools._lru_cache_wrapper, dict, LruCache)):
                yield f"{name}.{attribute}", value


def _keys(cache: Any) -> list[Any]:
    if isinstance(cache, LruCache):
        return cache.ordered_keys()
    if isinstance(cache, dict):
        return list(cache)
    for referent in gc.get_referents(cache):  # lru_cache's own dictionary
        if isinstance(referent, dict) and "__wrapped__" not in referent:
            return list(referent)
    return []


def _holds_a_secret(value: Any, depth: int = 0) -> bool:
    if depth > 6:
        return False
    if isinstance(value, (str, bytes)):
        text = value if isinstance(value, str) else value.decode("latin-1")
        return any(secret in text for secret in SECRETS)
    if isinstance(value, (tuple, list, frozenset, set)):
        return any(_holds_a_secret(item, depth + 1) for item in value)
    inner = getattr(value, "__dict__", None)
    return inner is not None and _holds_a_secret(tuple(inner.values()), depth + 1)


def _use_every_secret(server: ScriptedServer) -> SyncTokenVerifier:
    body = b'{"type": "user.created"}'
    verify_webhook_signature(body, sign_webhook(body, WEBHOOK_SECRET), WEBHOOK_SECRET)

    server.script("GET", "/v1/jwks", Reply(json=jwks_of((rsa_key(), KID))))
    server.script("POST", "/v1/m2m_tokens/verify", Reply(status=404))
    api_url = server.url.removesuffix("/v1")
    options = sync_security.VerifyTokenOptions(secret_key=SECRET_KEY, api_url=api_url)
    assert sync_security.verify_token(sign(), options)["sub"] == "user_2abc"
    assert asyncio.run(async_security.verify_token(sign(), options))["sub"] == "user_2abc"
    sync_security.verify_token(sign(), sync_security.VerifyTokenOptions(jwt_key=pem_of(rsa_key())))
    request = {"Authorization": f"Bearer {M2M_TOKEN}", "Cookie": "__session=x"}
    machine = sync_security.AuthenticateRequestOptions(
        accepts_token="any", machine_secret_key=MACHINE_KEY, publishable_key="pk_test_Y2FjaGU="
    )
    with Clerk(bearer_auth=SECRET_KEY, server_url=server.url) as client:
        assert client.authenticate_request(request, machine).reason is not None
        return client._token_verifier


def test_no_secret_is_a_key_of_any_cache(server: ScriptedServer) -> None:
    verifier = _use_every_secret(server)

    caches = dict(_module_caches())
    assert "clerk_async.webhooks._signature._KEYS" in caches
    assert "clerk_async.security._verify._verifiers" in caches
    assert "clerk_sync.security._verify._verifiers" in caches
    assert len(caches["clerk_async.webhooks._signature._KEYS"]) >= 1  # the paths did cache
    assert len(caches["clerk_sync.security._verify._verifiers"]) >= 1
    assert len(verifier._keyed_clients) == 1
    for name, cache in [*caches.items(), ("a verifier's keyed clients", verifier._keyed_clients)]:
        keys = _keys(cache)
        assert not any(_holds_a_secret(key) for key in keys), name


def test_every_module_level_lru_cache_is_bounded() -> None:
    for name, cache in _module_caches():
        if hasattr(cache, "cache_info"):
            assert cache.cache_info().maxsize is not None, name


def test_the_lru_cache_forgets_the_least_recently_used() -> None:
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.ordered_keys() == ["a", "c"] and cache.get("b") is None
    with pytest.raises(ValueError):
        LruCache(0)


def test_an_async_client_keys_its_machine_clients_by_digest_too(server: ScriptedServer) -> None:
    server.script("POST", "/v1/m2m_tokens/verify", Reply(status=404))
    options = async_security.AuthenticateRequestOptions(
        accepts_token="m2m_token", machine_secret_key=MACHINE_KEY
    )

    async def run() -> Any:
        async with AsyncClerk(bearer_auth=SECRET_KEY, server_url=server.url) as client:
            await client.authenticate_request({"Authorization": f"Bearer {M2M_TOKEN}"}, options)
            return client._token_verifier._keyed_clients

    keyed = asyncio.run(run())
    assert len(keyed) == 1 and not any(_holds_a_secret(key) for key in keyed.ordered_keys())
