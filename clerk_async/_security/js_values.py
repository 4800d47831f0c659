"""The JavaScript value rules that Clerk JS's authorization decisions depend on.

Clerk JS reads a session token's claims with ``trim()`` and truthiness tests; reading the same JSON
in Python gives the same decisions only with the same rules, which differ from ``str.strip()``
and ``bool()``: JavaScript trims U+FEFF but not U+001C-U+001F or U+0085, and an empty list or
object is truthy.
"""

from __future__ import annotations

__all__ = ["JS_WHITESPACE", "js_trim", "js_truthy"]

#: What ``String.prototype.trim()`` removes: WhiteSpace and LineTerminator (ECMA-262).
JS_WHITESPACE = (
    "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def js_trim(text: str) -> str:
    return text.strip(JS_WHITESPACE)


def js_truthy(value: object) -> bool:
    """JavaScript's truthiness of a JSON value: ``null``, ``false``, ``0`` and ``""`` are falsy;
    every list and object, even empty, is truthy."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)):
        return value != 0  # a JSON number is never NaN
    if isinstance(value, str):
        return value != ""
    return True
