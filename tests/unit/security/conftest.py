"""The rules are written once, but each test runs through both packages' public functions
(``clerk_sync.security`` directly, ``clerk_async.security`` on an event loop), networkless."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import clerk_async.security as async_security
import clerk_sync.security as sync_security
from clerk_async.security import (
    AuthenticateRequestOptions,
    RequestState,
    TokenVerificationError,
    TokenVerificationErrorReason,
    VerifyTokenOptions,
)
from tests.support.tokens import pem_of, rsa_key

Verify = Callable[..., dict[str, Any]]
Authenticate = Callable[..., RequestState]


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def verify(flavour: str, loop: asyncio.AbstractEventLoop) -> Verify:
    """``verify(token, **options)``: ``jwt_key`` is the test key unless given."""

    def run(token: object, **options: Any) -> dict[str, Any]:
        options.setdefault("jwt_key", pem_of(rsa_key()))
        verify_options = VerifyTokenOptions(**options)
        if flavour == "sync":
            return sync_security.verify_token(token, verify_options)  # type: ignore[arg-type]
        return loop.run_until_complete(async_security.verify_token(token, verify_options))  # type: ignore[arg-type]

    return run


@pytest.fixture
def authenticate(flavour: str, loop: asyncio.AbstractEventLoop) -> Authenticate:
    """``authenticate(request, **options)``: ``jwt_key`` is the test key unless given."""

    def run(request: object, **options: Any) -> RequestState:
        options.setdefault("jwt_key", pem_of(rsa_key()))
        request_options = AuthenticateRequestOptions(**options)
        if flavour == "sync":
            return sync_security.authenticate_request(request, request_options)
        return loop.run_until_complete(
            async_security.authenticate_request(request, request_options)
        )

    return run


@pytest.fixture
def reason_of(verify: Verify) -> Callable[..., TokenVerificationErrorReason]:
    """The reason ``verify`` fails with (the test fails if the token verifies)."""

    def run(token: object, **options: Any) -> TokenVerificationErrorReason:
        with pytest.raises(TokenVerificationError) as caught:
            verify(token, **options)
        return caught.value.reason

    return run
