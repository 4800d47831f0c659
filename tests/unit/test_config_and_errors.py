"""Client configuration and the error tree."""

from __future__ import annotations

import pytest

import clerk_async
import clerk_async.models
import clerk_sync
import clerk_sync.models
from clerk_async._config import ClientConfig, user_agent
from clerk_async._pagination import Page, next_offset
from clerk_async.errors import (
    ClerkErrors,
    MissingSecretKeyError,
    RateLimitError,
    SDKError,
    error_class_for_status,
)

KEY = "sk_test_config_secret"


def config(**kwargs: object) -> ClientConfig:
    return ClientConfig(user_agent="ua", **kwargs)  # type: ignore[arg-type]


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    monkeypatch.delenv("CLERK_API_URL", raising=False)
    cfg = config()
    assert cfg.server_url == "https://api.clerk.com/v1"
    assert cfg.timeout_s == 30.0
    assert cfg.api_version == "2026-05-12"
    with pytest.raises(MissingSecretKeyError):
        cfg.headers()


def test_server_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERK_API_URL", "http://127.0.0.1:8/v1/")
    assert config().server_url == "http://127.0.0.1:8/v1"
    assert config(server_idx=0).server_url == "https://api.clerk.com/v1"
    assert config(server_url="http://other/v1").server_url == "http://other/v1"


def test_server_selection() -> None:
    assert config(server_idx=0).server_url == "https://api.clerk.com/v1"
    assert config(server_url="http://127.0.0.1:9/v1/").server_url == "http://127.0.0.1:9/v1"
    with pytest.raises(ValueError, match="server_idx"):
        config(server_idx=1)
    with pytest.raises(ValueError, match="not both"):
        config(server_url="http://x", server_idx=0)
    with pytest.raises(ValueError, match="server_url"):
        config(server_url="ftp://x")


@pytest.mark.parametrize(
    ("timeout_ms", "error"),
    [
        (0, ValueError),
        (-5, ValueError),
        (float("inf"), ValueError),
        ("30", TypeError),
        (True, TypeError),
    ],
)
def test_bad_timeouts_are_rejected(timeout_ms: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="timeout_ms"):
        config(bearer_auth=KEY, timeout_ms=timeout_ms)


@pytest.mark.parametrize("key", ["", "sk_test with space", "sk_test\nx"])
def test_malformed_keys_are_rejected_without_echoing_them(key: str) -> None:
    with pytest.raises(ValueError, match="bearer_auth") as caught:
        config(bearer_auth=key)
    assert not key.strip() or key not in str(caught.value)


def test_repr_hides_the_key() -> None:
    cfg = config(bearer_auth=KEY)
    assert KEY not in repr(cfg)
    assert "secret_key=set" in repr(cfg)


def test_user_agent_names_package_python_and_transport() -> None:
    agent = user_agent("clerk_sync", "urllib3", "2.8.0")
    assert agent.startswith(f"clerk-client/{clerk_async.__version__} (clerk_sync; ")
    assert agent.endswith("; urllib3/2.8.0)")


def test_error_classes_by_status() -> None:
    assert error_class_for_status(429) is RateLimitError
    assert error_class_for_status(503).__name__ == "InternalServerError"
    assert error_class_for_status(418) is SDKError
    assert issubclass(error_class_for_status(422), ClerkErrors)
    assert not issubclass(error_class_for_status(404), ClerkErrors)


def test_both_packages_share_the_same_classes() -> None:
    shared = list(clerk_async._public.__all__)
    assert shared
    for name in shared:
        assert getattr(clerk_sync, name) is getattr(clerk_async, name), name
    assert clerk_sync.models.ClerkErrors is clerk_async.models.ClerkErrors is ClerkErrors
    assert clerk_sync.Clerk.__module__ == "clerk_sync._client"


def test_page_is_a_sequence_with_a_total() -> None:
    page = Page([1, 2, 3], total_count=10)
    assert list(page) == [1, 2, 3]
    assert page[-1] == 3
    assert page[:2] == [1, 2]
    assert len(page) == 3
    assert page == Page([1, 2, 3], 10)
    assert page != Page([1, 2, 3], None)


@pytest.mark.parametrize(
    ("offset", "items", "total", "page_size", "expected"),
    [
        (0, 3, None, 3, 3),
        (0, 2, None, 3, None),
        (0, 0, None, 3, None),
        (0, 3, 10, 3, 3),
        (9, 1, 10, 3, None),
        (0, 2, 10, 5, 2),  # the server capped the page below page_size: keep going
        (6, 3, 9, 3, None),
    ],
)
def test_next_offset(
    offset: int, items: int, total: int | None, page_size: int, expected: int | None
) -> None:
    assert next_offset(offset, Page(list(range(items)), total), page_size) == expected
