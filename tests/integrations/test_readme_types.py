"""The README shows every framework integration (its blocks run in ``tests/test_readme.py`` and
pass ``mypy --strict`` in ``tests/typing/test_public_types.py``)."""

from __future__ import annotations

from tests.test_readme import EXAMPLES

FRAMEWORK_EXAMPLES = [code for code in EXAMPLES if ".integrations" in code]


def test_the_readme_shows_each_framework() -> None:
    shown = "\n".join(FRAMEWORK_EXAMPLES)
    for module in ("fastapi", "starlette", "aiohttp", "django", "drf", "flask"):
        assert f"clerk_async.integrations.{module} import" in shown
