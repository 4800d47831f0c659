"""Wheel build hook: regenerate the sync mirror with unasync before the files are collected.

So a wheel's ``clerk_sync`` always comes from its ``clerk_async`` sources, even when it is built
from an sdist or a tree whose committed mirror was removed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class MirrorBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        spec = importlib.util.spec_from_file_location(
            "clerk_mirror", root / "scripts" / "mirror.py"
        )
        assert spec is not None and spec.loader is not None
        mirror = importlib.util.module_from_spec(spec)
        sys.modules["clerk_mirror"] = mirror
        spec.loader.exec_module(mirror)
        written = mirror.write_package(root)
        self.app.display_info(f"unasync: regenerated {len(written)} clerk_sync files")
