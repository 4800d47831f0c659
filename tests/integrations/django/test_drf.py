"""Django REST framework's authentication and permission classes, under real servers over real
HTTP: DRF's own answers (401 with the ``WWW-Authenticate`` challenge, 403), the site's own 404, and
Clerk's reverification body."""

from __future__ import annotations

import pytest

from tests.integrations.raw_http import get, seen_by_a_prober
from tests.integrations.servers import wsgi_served
from tests.integrations.sync_cases import CASES, REVERIFY_STRICT, Case
from tests.integrations.tokens import EmulatorTokens, bearer
from tests.support.emulator_sessions import SignedIn


def test_a_signed_in_request_has_a_clerk_user_and_the_auth_object(
    origin: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session()

    answer = get(f"{origin}/drf/me", bearer(token))

    assert answer.status == 200, answer.body
    assert answer.json() == {
        "pk": user_id,
        "signed_in": True,
        "token_type": "session_token",
        "user_id": user_id,
        "org_role": None,
    }


def test_without_credentials_drf_answers_401_with_a_bearer_challenge(origin: str) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}):
        answer = get(f"{origin}/drf/me", headers)

        assert answer.status == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "detail" in answer.json()


def test_a_bad_token_is_401_with_the_reason(origin: str, emulator_tokens: EmulatorTokens) -> None:
    _, token = emulator_tokens.user_and_session()

    answer = get(f"{origin}/drf/me", bearer(token[:-4] + "AAAA"))

    assert answer.status == 401
    message = "The token's signature does not verify."
    assert answer.json() == {"detail": message}
    assert answer.headers["www-authenticate"] == (
        'Bearer error="invalid_token", error_description="The token\'s signature does not verify."'
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_permission_answers_as_decide_access_decides(
    origin: str, case: Case, personas: dict[str, SignedIn]
) -> None:
    asking = personas[case.persona]

    answer = get(f"{origin}/drf/{case.route}", bearer(asking.token))

    assert answer.status == case.status, answer.body
    if case.status == 200:
        assert answer.json()["pk"] == asking.user_id
    if case.status == 403 and case.route == "recent":
        assert answer.json() == REVERIFY_STRICT  # its numbers stay numbers
    elif case.status == 403:
        assert answer.json() == {"detail": "The request is authenticated but not allowed."}
    if case.status == 404:  # the site's own 404: the route looks like any missing one
        missing = get(f"{origin}/drf/no-such-route", bearer(asking.token))
        assert seen_by_a_prober(answer) == seen_by_a_prober(missing)
    if case.status == 401:
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_machine_tokens_pass_where_the_authentication_class_accepts_them(
    origin: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, _ = emulator_tokens.user_and_session()
    api_key, m2m_token = emulator_tokens.api_key(user_id), emulator_tokens.m2m_token()

    by_key = get(f"{origin}/drf/machines", bearer(api_key))
    by_machine = get(f"{origin}/drf/machines", bearer(m2m_token))
    key_on_a_session_view = get(f"{origin}/drf/me", bearer(api_key))
    key_where_roles_are_asked = get(f"{origin}/drf/everything", bearer(api_key))

    assert by_key.status == 200, by_key.body
    assert (by_key.json()["pk"], by_key.json()["token_type"]) == (user_id, "api_key")
    assert by_machine.status == 200, by_machine.body
    assert by_machine.json()["token_type"] == "m2m_token"
    assert by_machine.json()["pk"].startswith("mch_")
    assert key_on_a_session_view.status == 401  # not this class's token type: not signed in
    assert key_where_roles_are_asked.status == 403


def test_the_current_user_is_fetched_through_the_client_while_it_exists(
    origin: str, emulator_tokens: EmulatorTokens
) -> None:
    user_id, token = emulator_tokens.user_and_session("grace@example.com")

    answer = get(f"{origin}/drf/profile", bearer(token))
    emulator_tokens.admin.users.delete(user_id)
    deleted = get(f"{origin}/drf/profile", bearer(token))  # the token still verifies

    assert answer.status == 200, answer.body
    assert answer.json() == {"id": user_id, "email": "grace@example.com"}
    assert deleted.status == 200, deleted.body
    assert deleted.json() == {"id": None, "email": None}


def test_without_the_middleware_a_hidden_route_is_drfs_own_404(
    django_project: None, personas: dict[str, SignedIn]
) -> None:
    from django.core.handlers.wsgi import WSGIHandler  # type: ignore[import-untyped]
    from django.test.utils import override_settings  # type: ignore[import-untyped]

    with override_settings(MIDDLEWARE=[]), wsgi_served(WSGIHandler()) as origin:
        hidden = get(f"{origin}/drf/members", bearer(personas["admin"].token))
        allowed = get(f"{origin}/drf/members", bearer(personas["member"].token))

    assert allowed.status == 200, allowed.body
    assert hidden.status == 404
    assert hidden.json() == {"detail": "Not found."}
