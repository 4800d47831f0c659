"""Where the token comes from: framework request objects, the Authorization header, cookies."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from clerk_async._security.request import cookie_suffix
from clerk_async.security import AuthErrorReason, AuthStatus
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import session_claims, sign

from .conftest import Authenticate

PUBLISHABLE_KEY = "pk_test_Y2xlYW4tbWF5Zmx5LTYyLmNsZXJrLmFjY291bnRzLmRldiQ"


def _starlette(headers: dict[str, str]) -> Any:
    from starlette.requests import Request

    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


def _django(headers: dict[str, str]) -> Any:
    from django.conf import settings  # type: ignore[import-untyped]

    if not settings.configured:
        settings.configure(ALLOWED_HOSTS=["testserver"], DEFAULT_CHARSET="utf-8")
    from django.test import RequestFactory  # type: ignore[import-untyped]

    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return RequestFactory().get("/", **meta)


def _werkzeug(headers: dict[str, str]) -> Any:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    return Request(EnvironBuilder(headers=list(headers.items())).get_environ())


def _flask(headers: dict[str, str]) -> Any:
    import flask

    app = flask.Flask(__name__)
    with app.test_request_context(headers=headers):
        return flask.request._get_current_object()  # type: ignore[attr-defined]


def _aiohttp(headers: dict[str, str]) -> Any:
    from aiohttp.test_utils import make_mocked_request

    return make_mocked_request("GET", "/", headers=headers)


def _lower_dict(headers: dict[str, str]) -> Any:
    return {name.lower(): value for name, value in headers.items()}


def _upper_dict(headers: dict[str, str]) -> Any:
    return {name.upper(): value for name, value in headers.items()}


FRAMEWORKS: dict[str, Callable[[dict[str, str]], Any]] = {
    "starlette": _starlette,
    "django": _django,
    "werkzeug": _werkzeug,
    "flask": _flask,
    "aiohttp.web": _aiohttp,
    "dict as sent": dict,
    "dict lower-case": _lower_dict,
    "dict upper-case": _upper_dict,
    "object with a dict": lambda headers: type("Req", (), {"headers": headers})(),
}


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_the_header_is_read_from_any_framework_request(
    framework: str, authenticate: Authenticate
) -> None:
    request = FRAMEWORKS[framework]({"Authorization": f"Bearer {sign()}", "Accept": "*/*"})
    state = authenticate(request)
    assert state.is_signed_in, state.reason
    assert state.to_auth().user_id == "user_2abc"


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_the_cookie_is_read_from_any_framework_request(
    framework: str, authenticate: Authenticate
) -> None:
    cookie = f"theme=dark; __session={sign()}; __client_uat=1"
    state = authenticate(FRAMEWORKS[framework]({"Cookie": cookie}))
    assert state.is_signed_in, state.reason


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "BeArEr"])
def test_the_bearer_scheme_is_case_insensitive(scheme: str, authenticate: Authenticate) -> None:
    assert authenticate({"authorization": f"{scheme} {sign()}"}).is_signed_in


def test_a_bare_token_in_the_header_is_read(authenticate: Authenticate) -> None:
    assert authenticate({"Authorization": sign()}).is_signed_in


@pytest.mark.parametrize("value", ["Basic dXNlcjpwYXNz", "", "   ", "Bearer ", "Digest x=1"])
def test_another_scheme_or_an_empty_header_falls_back_to_the_cookie(
    value: str, authenticate: Authenticate
) -> None:
    cookie = f"__session={sign()}; __client_uat=1"
    assert authenticate({"Authorization": value, "Cookie": cookie}).is_signed_in
    alone = authenticate({"Authorization": value})
    assert alone.reason is AuthErrorReason.SESSION_TOKEN_MISSING


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("Basic dXNlcjpwYXNz", "the Authorization header uses the 'Basic' scheme, not Bearer"),
        ("Digest x=1", "the Authorization header uses the 'Digest' scheme, not Bearer"),
        ("Bearer ", "the Authorization header says Bearer but holds no token"),
        ("   ", "the Authorization header is empty"),
    ],
)
def test_a_header_without_a_token_is_named_in_the_message(
    value: str, said: str, authenticate: Authenticate
) -> None:
    state = authenticate({"Authorization": value, "Cookie": "theme=dark"})
    assert state.reason is AuthErrorReason.SESSION_TOKEN_MISSING
    assert (
        state.message == f"No session token: {said}, and no __session cookie came with the request."
    )
    assert "dXNlcjpwYXNz" not in repr(state)  # the credentials themselves are not quoted


def test_a_long_scheme_is_quoted_short(authenticate: Authenticate) -> None:
    state = authenticate({"Authorization": "X" * 10_000 + " token"})
    assert state.message is not None and len(state.message) < 200


def test_the_header_wins_over_the_cookie(authenticate: Authenticate) -> None:
    bad_cookie = "__session=garbage; __client_uat=1"
    state = authenticate({"Authorization": f"Bearer {sign()}", "Cookie": bad_cookie})
    assert state.is_signed_in


def test_no_token_at_all(authenticate: Authenticate) -> None:
    for request in ({}, {"Cookie": "theme=dark"}, {"Cookie": "__session="}):
        state = authenticate(request)
        assert state.status is AuthStatus.SIGNED_OUT
        assert state.reason is AuthErrorReason.SESSION_TOKEN_MISSING
        assert state.message and "__session" in state.message


def test_another_apps_suffixed_cookie_is_never_read(authenticate: Authenticate) -> None:
    other = f"__session_Zm9vYmFy={sign()}; __client_uat_Zm9vYmFy=1"
    assert authenticate({"Cookie": other}).reason is AuthErrorReason.SESSION_TOKEN_MISSING
    state = authenticate({"Cookie": other}, publishable_key=PUBLISHABLE_KEY)
    assert state.reason is AuthErrorReason.SESSION_TOKEN_MISSING


def test_the_suffixed_cookie_of_this_app_with_a_publishable_key(
    authenticate: Authenticate,
) -> None:
    suffix = cookie_suffix(PUBLISHABLE_KEY)
    assert len(suffix) == 8
    mine = f"__session_{suffix}={sign()}; __client_uat_{suffix}=1"
    foreign = f"__session_Zm9vYmFy={sign(session_claims(sub='user_other'))}"
    cookie = f"{foreign}; __session=garbage; __client_uat=0; {mine}"
    state = authenticate({"Cookie": cookie}, publishable_key=PUBLISHABLE_KEY)
    assert state.is_signed_in, state.reason
    assert state.payload is not None and state.payload["sub"] == "user_2abc"
    # Without a suffixed cookie, the unsuffixed one is this app's.
    plain = authenticate(
        {"Cookie": f"__session={sign()}; __client_uat=1"}, publishable_key=PUBLISHABLE_KEY
    )
    assert plain.is_signed_in


def test_cookie_suffix_matches_clerks_derivation() -> None:
    """base64url(SHA-1(publishable key))[:8], as Clerk's JS packages derive it."""
    import base64
    import hashlib

    digest = hashlib.sha1(PUBLISHABLE_KEY.encode()).digest()
    assert cookie_suffix(PUBLISHABLE_KEY) == base64.urlsafe_b64encode(digest).decode()[:8]


@pytest.mark.parametrize("uat", [None, "0", "", "soon", "-5"])
def test_a_session_cookie_without_a_live_client_uat_is_signed_out(
    uat: str | None, authenticate: Authenticate
) -> None:
    cookie = f"__session={sign()}" + ("" if uat is None else f"; __client_uat={uat}")
    state = authenticate({"Cookie": cookie})
    assert state.reason is AuthErrorReason.SESSION_TOKEN_WITHOUT_CLIENT_UAT


def test_a_client_uat_newer_than_the_token_signs_out(authenticate: Authenticate) -> None:
    now = int(time.time())
    token = sign(session_claims(now - 20))
    state = authenticate({"Cookie": f"__session={token}; __client_uat={now - 5}"})
    assert state.reason is AuthErrorReason.SESSION_TOKEN_IAT_BEFORE_CLIENT_UAT
    fine = authenticate({"Cookie": f"__session={token}; __client_uat={now - 60}"})
    assert fine.is_signed_in
    # A header token is not subject to the cookie's __client_uat.
    assert authenticate({"Authorization": token, "Cookie": "__client_uat=0"}).is_signed_in


def test_a_bad_token_never_raises(authenticate: Authenticate) -> None:
    for token in ("x", "a.b.c", "ak_", "mt_x", "a" * 100_000, sign() + "x", "\u00e9.\u00e9.\u00e9"):
        state = authenticate({"Authorization": f"Bearer {token}"})
        assert state.status is AuthStatus.SIGNED_OUT
        assert state.reason is not None
    expired = sign(session_claims(exp=100, iat=50, nbf=50))
    assert authenticate({"Authorization": expired}).reason is Reason.TOKEN_EXPIRED


@pytest.mark.parametrize("request_object", [42, None, "Bearer x", [("authorization", "x")]])
def test_a_wrong_argument_type_raises(request_object: object, authenticate: Authenticate) -> None:
    with pytest.raises(TypeError):
        authenticate(request_object)


def test_wrong_options_raise(flavour: str) -> None:
    import clerk_async.security as async_security
    import clerk_sync.security as sync_security
    from clerk_async.security import VerifyTokenOptions

    with pytest.raises(TypeError):
        sync_security.authenticate_request({}, VerifyTokenOptions())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sync_security.verify_token("x", {"jwt_key": "..."})  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        async_security.AuthenticateRequestOptions(accepts_token=["session"])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        async_security.AuthenticateRequestOptions(publishable_key="sk_test_x")
