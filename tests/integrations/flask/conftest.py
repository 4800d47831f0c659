"""The Flask test app, configured for the emulator and served by werkzeug's threaded server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clerk_async.emulator import ClerkEmulator
from tests.integrations.flask.app import create_app
from tests.integrations.servers import wsgi_served


@pytest.fixture(scope="package")
def origin(clerk_emulator_server: ClerkEmulator) -> Iterator[str]:
    emulator = clerk_emulator_server
    app = create_app({"CLERK_SECRET_KEY": emulator.secret_key, "CLERK_API_URL": emulator.url})
    with wsgi_served(app) as origin:
        yield origin
