"""Clerk's OpenAPI specs, read in place beside the project (``../shared/clerk-openapi/``).

They are the generator's input and are never copied into the project (their README forbids it),
so a clone without them cannot compare the committed code with them: those tests skip, saying
why. Everything else about the generated code (names, types, decoding, the emulator's routes) is
tested from the committed code itself and runs everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

__all__ = ["SPEC_DIR", "needs_spec"]

SPEC_DIR = Path(__file__).resolve().parents[3] / "shared" / "clerk-openapi"


def needs_spec(*files: str) -> pytest.MarkDecorator:
    """Skip unless every one of ``files`` is in :data:`SPEC_DIR`, naming what is missing."""
    missing = [name for name in files if not (SPEC_DIR / name).is_file()]
    return pytest.mark.skipif(
        bool(missing),
        reason=(
            f"needs {', '.join(missing)} of Clerk's OpenAPI specs in {SPEC_DIR}: read in place,"
            " never copied into the project (their README forbids it), so a clone without them"
            " skips what reads them"
        ),
    )
