"""The Flask app the integration tests serve: every guard of ``GUARDS`` on a plain view
(``/sync/...``) and on an ``async def`` view (``/async/...``), a view without a guard (what the
extension put on ``g``), and the current user."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from clerk_async.integrations.flask import ClerkAuth, clerk_required, current_user
from tests.integrations.sync_cases import GUARDS, describe, who

__all__ = ["create_app"]


def create_app(config: dict[str, Any]) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    ClerkAuth(app)

    def shown() -> dict[str, Any]:
        return describe(g.auth)

    async def ashown() -> dict[str, Any]:
        return describe(g.auth)

    @clerk_required
    def profile() -> dict[str, Any]:
        user = current_user()
        assert user is current_user()  # fetched once per request
        return who(user)

    app.add_url_rule("/sync/open", "open", shown)
    app.add_url_rule("/sync/profile", "profile", profile)
    for name, guard in GUARDS.items():
        app.add_url_rule(f"/sync/{name}", f"sync_{name}", clerk_required(**guard)(shown))
        app.add_url_rule(f"/async/{name}", f"async_{name}", clerk_required(**guard)(ashown))
    return app
