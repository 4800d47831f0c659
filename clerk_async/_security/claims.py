"""The claim rules, applied after the signature has been checked.

``exp`` and ``sub`` are required; ``exp``, ``nbf`` and ``iat`` must be numbers. With the clock skew
``s``: expired when ``exp <= now - s``; ``nbf > now + s`` is not active yet; ``iat > now + s`` is
issued in the future. ``aud`` is checked only when an audience is configured, ``azp`` only when
the list of authorized parties is non-empty (then a token without ``azp`` fails).
"""

from __future__ import annotations

from typing import Any

from .options import AuthenticateRequestOptions, VerifyTokenOptions
from .reasons import TokenVerificationError, TokenVerificationErrorReason

__all__ = ["check_claims", "check_time_claims"]

_NUMBER = (int, float)
_ABSENT = object()
Reason = TokenVerificationErrorReason


def check_claims(
    claims: dict[str, Any],
    options: VerifyTokenOptions | AuthenticateRequestOptions,
    now_ms: float,
) -> None:
    """Raise :class:`TokenVerificationError` unless ``claims`` satisfy every rule."""
    sub = claims.get("sub")
    if type(sub) is not str or not sub:
        raise TokenVerificationError(Reason.TOKEN_INVALID)
    audience = options.audience
    if audience is not None and not _audience_matches(claims.get("aud"), audience):
        raise TokenVerificationError(Reason.TOKEN_INVALID_AUDIENCE)
    parties = options.authorized_parties
    if parties and claims.get("azp") not in parties:
        raise TokenVerificationError(Reason.TOKEN_INVALID_AUTHORIZED_PARTIES)
    check_time_claims(claims, options.clock_skew_in_ms, now_ms)


def check_time_claims(claims: dict[str, Any], skew_ms: float, now_ms: float) -> None:
    exp: Any = claims.get("exp")
    nbf: Any = claims.get("nbf", _ABSENT)  # present, even as null, it must be a number
    iat: Any = claims.get("iat", _ABSENT)
    if (
        type(exp) not in _NUMBER
        or (nbf is not _ABSENT and type(nbf) not in _NUMBER)
        or (iat is not _ABSENT and type(iat) not in _NUMBER)
    ):
        raise TokenVerificationError(Reason.TOKEN_INVALID)
    if exp * 1000 <= now_ms - skew_ms:
        raise TokenVerificationError(Reason.TOKEN_EXPIRED)
    if nbf is not _ABSENT and nbf * 1000 > now_ms + skew_ms:
        raise TokenVerificationError(Reason.TOKEN_NOT_ACTIVE_YET)
    if iat is not _ABSENT and iat * 1000 > now_ms + skew_ms:
        raise TokenVerificationError(Reason.TOKEN_IAT_IN_THE_FUTURE)


def _audience_matches(token_audience: object, expected: str | list[str]) -> bool:
    wanted = (expected,) if isinstance(expected, str) else expected
    if isinstance(token_audience, str):
        return token_audience in wanted
    if isinstance(token_audience, list):
        return any(isinstance(item, str) and item in wanted for item in token_audience)
    return False
