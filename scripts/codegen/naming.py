"""Turning spec names into Python names: snake_case, PascalCase, constants, safe identifiers."""

from __future__ import annotations

import keyword
import re

__all__ = ["constant", "identifier", "module_name", "pascal", "snake"]

_ACRONYM_WORD = re.compile(r"([A-Z]+)([A-Z][a-z])")
_LOWER_UPPER = re.compile(r"([a-z\d])([A-Z])")
_NOT_WORD = re.compile(r"[^0-9A-Za-z]+")


def snake(name: str) -> str:
    """``getOAuthAccessToken`` -> ``get_o_auth_access_token``, as the official SDK spells it."""
    text = _ACRONYM_WORD.sub(r"\1_\2", name)
    text = _LOWER_UPPER.sub(r"\1_\2", text)
    text = _NOT_WORD.sub("_", text).strip("_").lower()
    return re.sub(r"_+", "_", text)


def identifier(name: str) -> str:
    """A wire name as a Python identifier: snake_case, keywords get a trailing underscore."""
    text = snake(name)
    if not text or text[0].isdigit():
        text = "f_" + text
    if keyword.iskeyword(text) or text in ("self", "op"):
        text += "_"
    return text


def pascal(name: str) -> str:
    """``JWKS.ed25519.PublicKey`` -> ``JWKSEd25519PublicKey``; ``verification_otp`` ->
    ``VerificationOtp``."""
    parts = [part for part in _NOT_WORD.split(name) if part]
    return "".join(part[0].upper() + part[1:] for part in parts)


def constant(name: str) -> str:
    return snake(name).upper()


def module_name(tag: str) -> str:
    """``Allow-list / Block-list`` -> ``allow_list_block_list``."""
    return "_".join(word.lower() for word in _NOT_WORD.split(tag) if word)
