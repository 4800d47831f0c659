"""Each sync framework integration stands alone: importing one imports no other framework (nor
aiohttp, until a Django async view needs the async client), and its extra installs its framework
only."""

from __future__ import annotations

import importlib.metadata
import json

import pytest

from tests.support.processes import run_python

FRAMEWORKS = {"django", "flask", "werkzeug", "rest_framework", "fastapi", "starlette", "aiohttp"}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("flask", {"flask", "werkzeug"}),
        ("django", {"django"}),
        ("drf", {"django", "rest_framework"}),
    ],
)
def test_importing_an_integration_imports_its_framework_only(
    module: str, expected: set[str]
) -> None:
    result = run_python(
        f"""
        import json, sys
        import clerk_async.integrations.{module}
        print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
        """
    )

    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) & FRAMEWORKS == expected


def test_each_framework_extra_installs_its_framework_only() -> None:
    extras: dict[str, set[str]] = {}
    for requirement in importlib.metadata.requires("clerk-client") or []:
        name, _, marker = requirement.partition(";")
        if "extra ==" in marker:
            extra = marker.split("extra ==")[1].strip().strip("'\"")
            project = name.split(">")[0].split("=")[0].split("<")[0].strip().lower()
            extras.setdefault(extra, set()).add(project)

    assert extras["django"] == {"django"}
    assert extras["drf"] == {"django", "djangorestframework"}
    assert extras["flask"] == {"flask"}
