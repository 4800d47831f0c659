"""The sync integrations' configuration: the framework's settings first, then the environment,
each value checked when read."""

from __future__ import annotations

from typing import Any

import pytest

from clerk_async.integrations._common import ClerkSettings
from tests.support.tokens import pem_of, rsa_key


def settings_of(values: dict[str, Any]) -> ClerkSettings:
    return ClerkSettings(values.get)


@pytest.fixture(autouse=True)
def no_clerk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CLERK_SECRET_KEY",
        "CLERK_API_URL",
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_JWT_KEY",
        "CLERK_MACHINE_SECRET_KEY",
        "CLERK_AUTHORIZED_PARTIES",
    ):
        monkeypatch.delenv(name, raising=False)


def test_a_setting_wins_over_the_environment_which_fills_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLERK_SECRET_KEY", "sk_test_from_the_environment")
    monkeypatch.setenv("CLERK_API_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CLERK_AUTHORIZED_PARTIES", "https://a.example.com, https://b.example.com")
    monkeypatch.setenv("CLERK_JWT_KEY", pem_of(rsa_key()))

    config = settings_of({"CLERK_SECRET_KEY": "sk_test_from_the_settings", "CLERK_JWT_KEY": ""})
    options = config.options("session_token")

    assert config.secret_key == "sk_test_from_the_settings"
    assert config.api_url == "http://127.0.0.1:9/v1"
    assert options.authorized_parties == ["https://a.example.com", "https://b.example.com"]
    assert options.jwt_key == pem_of(rsa_key())  # an empty setting counts as not set
    assert options.secret_key is None  # the client's own
    with config.sync_client() as client:
        assert client._config.server_url == "http://127.0.0.1:9/v1"
        assert client._config.secret_key() == "sk_test_from_the_settings"


def test_options_are_made_once_per_set_of_token_types() -> None:
    config = settings_of({"CLERK_AUTHORIZED_PARTIES": ["https://app.example.com"]})

    sessions = config.options("session_token")
    machines = config.options(["m2m_token", "api_key"])

    assert config.options(["session_token"]) is sessions
    assert config.options(["api_key", "machine_token"]) is machines
    assert machines.accepts_token == ["api_key", "m2m_token"]
    assert machines.authorized_parties == ["https://app.example.com"]


def test_the_client_options_reach_both_clients() -> None:
    config = settings_of(
        {"CLERK_SECRET_KEY": "sk_test_x", "CLERK_CLIENT_OPTIONS": {"timeout_ms": 1234}}
    )

    assert config.sync_client()._config.timeout_s == 1.234
    assert config.async_client()._config.timeout_s == 1.234
    assert config.sync_client() is config.sync_client()
    config.close()


@pytest.mark.parametrize(
    ("values", "error", "names"),
    [
        ({"CLERK_SECRET_KEY": 42}, TypeError, "CLERK_SECRET_KEY"),
        ({"CLERK_JWT_KEY": b"pem"}, TypeError, "CLERK_JWT_KEY"),
        ({"CLERK_AUTHORIZED_PARTIES": 5}, TypeError, "CLERK_AUTHORIZED_PARTIES"),
        ({"CLERK_AUTHORIZED_PARTIES": ["https://a", 5]}, TypeError, "CLERK_AUTHORIZED_PARTIES"),
        ({"CLERK_CLIENT_OPTIONS": "cache"}, TypeError, "CLERK_CLIENT_OPTIONS"),
        ({"CLERK_PUBLISHABLE_KEY": "sk_test_x"}, ValueError, "publishable_key"),
    ],
)
def test_a_wrong_setting_is_named_when_read(
    values: dict[str, Any], error: type[Exception], names: str
) -> None:
    with pytest.raises(error, match=names):
        settings_of(values)
