"""The Django project, configured for this package only: Django's settings are configured (empty)
if nothing in this test process did it yet, and the project's settings applied on top with
``override_settings`` until the package's last test, so nothing leaks into other tests. The project
is served under a WSGI server (werkzeug's) and an ASGI server (uvicorn), each over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from clerk_async.emulator import ClerkEmulator
from clerk_sync._request_auth import SyncRequestAuthentication
from clerk_sync._transport import SyncTransport
from tests.integrations.servers import uvicorn_served, wsgi_served


class ClientLog(logging.Handler):
    """The requests the project's clients sent (their debug log lines)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.logger = logging.getLogger("tests.integrations.django.clerk")
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def count(self, fragment: str) -> int:
        return sum(fragment in line for line in self.lines)


def settings_for(emulator: ClerkEmulator, client_log: logging.Logger) -> dict[str, Any]:
    """The project's settings: its Clerk is the emulator; the clients log their requests."""
    return {
        "ROOT_URLCONF": "tests.integrations.django.project",
        "ALLOWED_HOSTS": ["127.0.0.1"],
        "DEBUG": False,
        "INSTALLED_APPS": ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        "MIDDLEWARE": ["clerk_async.integrations.django.ClerkMiddleware"],
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["clerk_async.integrations.drf.ClerkAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        },
        "CLERK_SECRET_KEY": emulator.secret_key,
        "CLERK_API_URL": emulator.url,
        "CLERK_CLIENT_OPTIONS": {"debug_logger": client_log},
    }


@pytest.fixture(scope="package")
def client_log() -> ClientLog:
    return ClientLog()


@pytest.fixture(scope="package")
def django_project(clerk_emulator_server: ClerkEmulator, client_log: ClientLog) -> Iterator[None]:
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]
    from django.test.utils import override_settings  # type: ignore[import-untyped]

    if not settings.configured:
        settings.configure()
    django.setup()
    with override_settings(**settings_for(clerk_emulator_server, client_log.logger)):
        yield


@pytest.fixture(scope="package")
def wsgi_origin(django_project: None) -> Iterator[str]:
    from django.core.wsgi import get_wsgi_application  # type: ignore[import-untyped]

    with wsgi_served(get_wsgi_application()) as origin:
        yield origin


@pytest.fixture(scope="package")
def asgi_origin(django_project: None) -> Iterator[str]:
    from django.core.asgi import get_asgi_application  # type: ignore[import-untyped]

    with uvicorn_served(get_asgi_application()) as origin:
        yield origin


@pytest.fixture(params=["wsgi", "asgi"])
def origin(request: pytest.FixtureRequest) -> str:
    """The project's origin under each server."""
    found: str = request.getfixturevalue(f"{request.param}_origin")
    return found


@pytest.fixture
def blocking_calls_on_a_loop(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call of the blocking client made from a thread that runs an event loop."""
    found: list[str] = []

    def watched(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                found.append(name)
            except RuntimeError:
                pass
            return method(*args, **kwargs)

        return call

    authenticate = SyncRequestAuthentication.authenticate_request
    monkeypatch.setattr(
        SyncRequestAuthentication, "authenticate_request", watched("authenticate", authenticate)
    )
    monkeypatch.setattr(SyncTransport, "send", watched("send", SyncTransport.send))
    return found
