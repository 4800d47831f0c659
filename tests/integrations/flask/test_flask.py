"""The Flask integration under werkzeug's server, over real HTTP: ``g.auth``, ``clerk_required``
on plain and ``async def`` views, the current user, and what each answer looks like."""

from __future__ import annotations

import pytest

from clerk_async.emulator import ClerkEmulator
from clerk_async.integrations.flask import clerk_required
from tests.integrations.flask.app import create_app
from tests.integrations.raw_http import get, seen_by_a_prober
from tests.integrations.servers import wsgi_served
from tests.integrations.sync_cases import CASES, REVERIFY_STRICT, Case
from tests.integrations.tokens import EmulatorTokens, bearer, hand_signed
from tests.integrations.unavailable import (
    CLERK_DOWN,
    assert_answers_while_clerk_is_down,
    assert_unavailable,
)
from tests.support.emulator_sessions import SignedIn

VIEWS = ["sync", "async"]


def test_the_extension_puts_the_auth_object_on_g(
    origin: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    signed_in = get(f"{origin}/sync/open", bearer(token))
    from_the_cookie = get(f"{origin}/sync/open", {"Cookie": f"__session={token}; __client_uat=1"})
    anonymous = get(f"{origin}/sync/open")

    assert signed_in.json() == {
        "signed_in": True,
        "token_type": "session_token",
        "user_id": user_id,
        "org_role": None,
    }
    assert from_the_cookie.json() == signed_in.json()
    assert anonymous.status == 200
    assert anonymous.json()["signed_in"] is False


@pytest.mark.parametrize("views", VIEWS)
def test_without_credentials_the_answer_is_401_with_a_bearer_challenge(
    origin: str, views: str
) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}):
        answer = get(f"{origin}/{views}/me", headers)

        assert answer.status == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["reason"] == "session-token-missing"


@pytest.mark.parametrize("views", VIEWS)
def test_a_bad_token_is_401_with_the_reason(
    origin: str, views: str, emulator_tokens: EmulatorTokens
) -> None:
    _, token = emulator_tokens.user_and_session()

    answer = get(f"{origin}/{views}/me", bearer(token[:-4] + "AAAA"))

    assert answer.status == 401
    assert answer.json()["reason"] == "token-invalid-signature"
    assert answer.json()["message"] in answer.headers["www-authenticate"]


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("views", VIEWS)
def test_each_guard_answers_as_decide_access_decides(
    origin: str, views: str, case: Case, personas: dict[str, SignedIn]
) -> None:
    asking = personas[case.persona]

    answer = get(f"{origin}/{views}/{case.route}", bearer(asking.token))

    assert answer.status == case.status, answer.body
    if case.status == 200:
        assert answer.json()["user_id"] == asking.user_id
    if case.status == 403 and case.route == "recent":
        assert answer.json() == REVERIFY_STRICT
    elif case.status == 403:
        assert answer.json()["error"] == "forbidden"
    if case.status == 404:  # Flask's own 404: the route looks like any missing one
        missing = get(f"{origin}/{views}/no-such-route", bearer(asking.token))
        assert seen_by_a_prober(answer) == seen_by_a_prober(missing)


@pytest.mark.parametrize("views", VIEWS)
def test_machine_tokens_pass_where_the_view_accepts_them(
    origin: str, views: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, _ = emulator_tokens.user_and_session()
    api_key, m2m_token = emulator_tokens.api_key(user_id), emulator_tokens.m2m_token()

    by_key = get(f"{origin}/{views}/machines", bearer(api_key))
    by_machine = get(f"{origin}/{views}/machines", bearer(m2m_token))
    key_on_a_session_route = get(f"{origin}/{views}/me", bearer(api_key))

    assert by_key.status == 200, by_key.body
    assert (by_key.json()["token_type"], by_key.json()["user_id"]) == ("api_key", user_id)
    assert by_machine.status == 200, by_machine.body
    assert by_machine.json()["token_type"] == "m2m_token"
    assert key_on_a_session_route.status == 401


def test_the_current_user_is_fetched_through_the_client_while_it_exists(
    origin: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session("grace@example.com")

    answer = get(f"{origin}/sync/profile", bearer(token))
    emulator_tokens.admin.users.delete(user_id)
    deleted = get(f"{origin}/sync/profile", bearer(token))  # the token still verifies

    assert answer.status == 200, answer.body
    assert answer.json() == {"id": user_id, "email": "grace@example.com"}
    assert deleted.status == 200, deleted.body
    assert deleted.json() == {"id": None, "email": None}


def test_the_config_wins_over_the_environment_which_fills_the_rest(
    clerk_emulator_server: ClerkEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = clerk_emulator_server
    monkeypatch.setenv("CLERK_SECRET_KEY", emulator.secret_key)
    monkeypatch.setenv("CLERK_API_URL", emulator.url)
    monkeypatch.setenv("CLERK_AUTHORIZED_PARTIES", "https://other.example.com")
    # Hand-signed: the emulator mints tokens without an azp (it knows no frontend origin).
    token = hand_signed(emulator)  # azp: https://app.example.com

    with wsgi_served(create_app({})) as from_the_environment:
        refused = get(f"{from_the_environment}/sync/me", bearer(token))
    parties = {"CLERK_AUTHORIZED_PARTIES": ["https://app.example.com"]}
    with wsgi_served(create_app(parties)) as configured:
        allowed = get(f"{configured}/sync/me", bearer(token))

    assert refused.status == 401
    assert refused.json()["reason"] == "token-invalid-authorized-parties"
    assert allowed.status == 200, allowed.body


def test_clerk_failing_is_503_not_401(
    clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    api_key = emulator_tokens.api_key(user_id)
    config = {"CLERK_SECRET_KEY": clerk_emulator.secret_key, "CLERK_API_URL": clerk_emulator.url}

    clerk_emulator.faults = CLERK_DOWN
    with wsgi_served(create_app(config)) as origin:  # a new app: a cold key cache
        assert_answers_while_clerk_is_down(origin, ["/sync", "/async"], token, api_key)


def test_no_secret_key_is_503_not_401(
    clerk_emulator: ClerkEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)

    with wsgi_served(create_app({"CLERK_API_URL": clerk_emulator.url})) as origin:
        answers = [
            get(f"{origin}/{views}/me", bearer(hand_signed(clerk_emulator))) for views in VIEWS
        ]

    for answer in answers:
        assert_unavailable(answer, "secret-key-missing", retry_after=False)


def test_a_guarded_view_of_an_app_without_the_extension_says_so() -> None:
    from flask import Flask

    app = Flask(__name__)
    app.testing = True  # the error reaches the test
    app.add_url_rule("/me", "me", clerk_required(lambda: "hello"))

    with pytest.raises(RuntimeError, match=r"ClerkAuth\(app\)"):
        app.test_client().get("/me")
