"""Bounding what an error message quotes: a 10,000-character id must not make a 10,000-character
message. The full value stays on the error's attributes."""

from __future__ import annotations

__all__ = ["MAX_QUOTED", "shorten"]

MAX_QUOTED = 200


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` itself, or its start and end around an ellipsis when longer than ``limit``."""
    if len(text) <= limit:
        return text
    keep = (limit - 3) // 2
    return f"{text[:keep]}...{text[-keep:]}"
