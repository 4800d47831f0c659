"""The Django integration under real servers (werkzeug's WSGI server and uvicorn), over real
HTTP: the middleware's ``request.auth``, ``clerk_required`` on plain and ``async def`` views,
the current user, and what each answer looks like."""

from __future__ import annotations

import pytest

from clerk_async.emulator import ClerkEmulator
from tests.integrations.django.conftest import ClientLog
from tests.integrations.raw_http import get, seen_by_a_prober
from tests.integrations.servers import wsgi_served
from tests.integrations.sync_cases import CASES, REVERIFY_STRICT, Case
from tests.integrations.tokens import EXPIRED, EmulatorTokens, bearer, hand_signed
from tests.integrations.unavailable import (
    CLERK_DOWN,
    assert_answers_while_clerk_is_down,
    assert_unavailable,
)
from tests.support.emulator_sessions import SignedIn

VIEWS = ["sync", "async"]


@pytest.mark.parametrize("views", VIEWS)
def test_the_middleware_sets_request_auth_on_every_request(
    origin: str, views: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    signed_in = get(f"{origin}/{views}/open", bearer(token))
    from_the_cookie = get(
        f"{origin}/{views}/open", {"Cookie": f"__session={token}; __client_uat=1"}
    )
    anonymous = get(f"{origin}/{views}/open")
    forged = get(f"{origin}/{views}/open", bearer(token[:-4] + "AAAA"))

    assert signed_in.json() == {
        "signed_in": True,
        "token_type": "session_token",
        "user_id": user_id,
        "org_role": None,
    }
    assert from_the_cookie.json() == signed_in.json()
    for answer in (anonymous, forged):  # not guarded: the view sees a signed-out auth object
        assert answer.status == 200
        assert answer.json() == {
            "signed_in": False,
            "token_type": "session_token",
            "user_id": None,
            "org_role": None,
        }


@pytest.mark.parametrize("views", VIEWS)
def test_without_credentials_the_answer_is_401_with_a_bearer_challenge(
    origin: str, views: str
) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Cookie": "theme=dark"}):
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
    expired = hand_signed(emulator_tokens.emulator, **EXPIRED)  # none of the emulator's

    for bad, reason in (
        (token[:-4] + "AAAA", "token-invalid-signature"),
        (expired, "token-expired"),
    ):
        answer = get(f"{origin}/{views}/me", bearer(bad))

        assert answer.status == 401
        challenge = answer.headers["www-authenticate"]
        assert challenge.startswith('Bearer error="invalid_token", error_description="')
        assert answer.json()["reason"] == reason
        assert answer.json()["message"] in challenge


@pytest.mark.parametrize("views", VIEWS)
def test_an_emulator_session_passes_the_signed_in_guard(
    origin: str, views: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    answer = get(f"{origin}/{views}/me", bearer(token))

    assert answer.status == 200, answer.body
    assert answer.json()["user_id"] == user_id


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
    if case.status == 404:  # the site's own 404: the route looks like any missing one
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
    key_where_roles_are_asked = get(f"{origin}/{views}/everything", bearer(api_key))

    assert by_key.status == 200, by_key.body
    assert (by_key.json()["token_type"], by_key.json()["user_id"]) == ("api_key", user_id)
    assert by_machine.status == 200, by_machine.body
    assert by_machine.json()["token_type"] == "m2m_token"
    assert key_on_a_session_route.status == 401
    assert key_on_a_session_route.json()["reason"] == "token-type-not-supported"
    assert key_where_roles_are_asked.status == 403  # machine tokens have no role


@pytest.mark.parametrize("views", VIEWS)
def test_the_current_user_is_fetched_through_the_client_while_it_exists(
    origin: str, views: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session("grace@example.com")

    answer = get(f"{origin}/{views}/profile", bearer(token))
    emulator_tokens.admin.users.delete(user_id)
    deleted = get(f"{origin}/{views}/profile", bearer(token))  # the token still verifies

    assert answer.status == 200, answer.body
    assert answer.json() == {"id": user_id, "email": "grace@example.com"}
    assert deleted.status == 200, deleted.body
    assert deleted.json() == {"id": None, "email": None}


def test_the_jwks_is_fetched_through_the_client_not_per_request(
    wsgi_origin: str, asgi_origin: str, emulator_tokens: EmulatorTokens, client_log: ClientLog
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    routes = [f"{origin}/{views}/me" for origin in (wsgi_origin, asgi_origin) for views in VIEWS]
    for route in routes:  # each client has its key set now
        assert get(route, bearer(token)).status == 200
    fetched = client_log.count("/jwks")

    for _ in range(5):
        for route in routes:
            assert get(route, bearer(emulator_tokens.new_session(user_id))).status == 200

    assert fetched >= 1  # by the project's clients, which log their requests
    assert client_log.count("/jwks") == fetched


def test_under_asgi_no_blocking_call_runs_on_the_event_loop(
    asgi_origin: str, emulator_tokens: EmulatorTokens, blocking_calls_on_a_loop: list[str]
) -> None:
    user_id, token = emulator_tokens.user_and_session()
    api_key = emulator_tokens.api_key(user_id)

    for views in [*VIEWS, "drf"]:
        for route, credentials in (("me", token), ("machines", api_key), ("profile", token)):
            answer = get(f"{asgi_origin}/{views}/{route}", bearer(credentials))
            assert answer.status == 200, answer.body

    assert blocking_calls_on_a_loop == []


@pytest.mark.parametrize("views", VIEWS)
def test_the_settings_are_read_again_when_a_clerk_setting_changes(
    origin: str, views: str, clerk_emulator_server: ClerkEmulator
) -> None:
    from django.test.utils import override_settings  # type: ignore[import-untyped]

    # Hand-signed: the emulator mints tokens without an azp (it knows no frontend origin).
    token = hand_signed(clerk_emulator_server)  # azp: https://app.example.com

    with override_settings(CLERK_AUTHORIZED_PARTIES=["https://other.example.com"]):
        refused = get(f"{origin}/{views}/me", bearer(token))
    with override_settings(
        CLERK_AUTHORIZED_PARTIES="https://other.example.com,https://app.example.com"
    ):
        allowed = get(f"{origin}/{views}/me", bearer(token))

    assert refused.status == 401
    assert refused.json()["reason"] == "token-invalid-authorized-parties"
    assert allowed.status == 200, allowed.body


@pytest.mark.parametrize("views", VIEWS)
def test_the_guards_work_without_the_middleware(
    django_project: None, views: str, emulator_tokens: EmulatorTokens, personas: dict[str, SignedIn]
) -> None:
    from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]
    from django.test.utils import override_settings

    user_id, token = emulator_tokens.user_and_session()

    with override_settings(MIDDLEWARE=[]), wsgi_served(WSGIHandler()) as origin:
        signed_in = get(f"{origin}/{views}/me", bearer(token))
        anonymous = get(f"{origin}/{views}/me")
        member = get(f"{origin}/{views}/admins", bearer(personas["member"].token))

    assert signed_in.status == 200, signed_in.body
    assert signed_in.json()["user_id"] == user_id
    assert (anonymous.status, member.status) == (401, 403)


def test_clerk_failing_is_503_not_401(
    origin: str, clerk_emulator: ClerkEmulator, emulator_tokens: EmulatorTokens
) -> None:
    from django.test.utils import override_settings

    user_id, token = emulator_tokens.user_and_session()
    api_key = emulator_tokens.api_key(user_id)

    clerk_emulator.faults = CLERK_DOWN
    with override_settings(CLERK_CLIENT_OPTIONS={}):  # new clients: cold key caches
        assert_answers_while_clerk_is_down(origin, ["/sync", "/async", "/drf"], token, api_key)


def test_no_secret_key_is_503_not_401(
    origin: str, clerk_emulator: ClerkEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test.utils import override_settings

    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    token = hand_signed(clerk_emulator)

    with override_settings(CLERK_SECRET_KEY=None):
        answers = [get(f"{origin}/{views}/me", bearer(token)) for views in [*VIEWS, "drf"]]

    for answer in answers:
        assert_unavailable(answer, "secret-key-missing", retry_after=False)
