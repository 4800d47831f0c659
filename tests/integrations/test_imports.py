"""Importing one integration imports nothing of the other frameworks (nor their integrations),
so installing one framework's extra is all it needs."""

from __future__ import annotations

import importlib.metadata
import json

import pytest

from tests.support.processes import run_python

FRAMEWORKS = (
    "fastapi",
    "starlette",
    "aiohttp.web",
    "django",
    "flask",
    "werkzeug",
    "rest_framework",
)
#: integration -> the frameworks it may import
ALLOWED = {
    "fastapi": {"fastapi", "starlette"},
    "starlette": {"starlette"},
    "aiohttp": {"aiohttp.web"},
    "django": {"django"},
    "drf": {"django", "rest_framework"},
    "flask": {"flask", "werkzeug"},
}
#: integration -> the integrations it may import (FastAPI is Starlette underneath)
INTEGRATIONS = {
    "fastapi": {"fastapi", "starlette"},
    "starlette": {"starlette"},
    "aiohttp": {"aiohttp"},
    "django": {"django"},
    "drf": {"drf", "django"},
    "flask": {"flask"},
}


@pytest.mark.parametrize("integration", sorted(ALLOWED))
def test_an_integration_imports_only_its_framework(integration: str) -> None:
    result = run_python(
        f"""
        import json, sys
        import clerk_async.integrations.{integration}
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))

    frameworks = {name for name in FRAMEWORKS if name in loaded}
    integrations = {
        name.removeprefix("clerk_async.integrations.")
        for name in loaded
        if name.startswith("clerk_async.integrations.")
    }
    assert frameworks == ALLOWED[integration]
    assert {name for name in integrations if not name.startswith("_")} == INTEGRATIONS[integration]


def test_the_package_imports_nothing() -> None:
    result = run_python(
        """
        import json, sys
        import clerk_async.integrations
        print(json.dumps(sorted(sys.modules)))
        """
    )
    loaded = set(json.loads(result.stdout))
    assert not {name for name in FRAMEWORKS if name in loaded}
    assert "aiohttp" not in loaded and "cryptography" not in loaded


def test_each_framework_extra_installs_its_framework_only() -> None:
    extras: dict[str, set[str]] = {}
    for requirement in importlib.metadata.requires("clerk-client") or []:
        name, _, marker = requirement.partition(";")
        if "extra ==" in marker:
            extra = marker.split("extra ==")[1].strip().strip("'\"")
            project = name.split(">")[0].split("=")[0].split("<")[0].strip().lower()
            extras.setdefault(extra, set()).add(project)

    assert extras["fastapi"] == {"fastapi"}
    assert extras["starlette"] == {"starlette"}
    assert extras["django"] == {"django"}
    assert extras["drf"] == {"django", "djangorestframework"}
    assert extras["flask"] == {"flask"}
