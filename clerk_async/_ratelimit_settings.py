"""What ``Clerk(rate_limit=...)`` is told: the instance's limit, and the operations' own limits.

Clerk limits an instance (its secret key) to 1,000 requests per 10 s in production and 100 in
development, and four operations that send emails further, per instance and hour (Clerk's "Rate
limits" page): creating an invitation 100, bulk invitations 25, an organization invitation 250,
bulk organization invitations 50. A client knows those too, so that an invitation loop waits for
its turn instead of failing with 429: such a call waits for a slot of its operation's limit, then
for one of the instance's (each its own :class:`~clerk_async._ratelimit.Pacing`, the same policy).

The hourly limits allow half their budget at once and pace the other half over the hour, so that a
form inviting a few people sends at once, and a loop never sends more than the hour's budget in any
hour, whatever window Clerk counts in. Pure and shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._ratelimit import RateLimit, instance_rate_limit, parse_rate_limit

__all__ = [
    "ENDPOINT_LIMITS",
    "MemoryRateLimit",
    "RateLimitSettings",
    "endpoint_limit",
    "rate_limit_settings",
]

_HOUR = 3600.0

#: Clerk's hourly limits, by client method; each allows half its budget at once.
ENDPOINT_LIMITS: Mapping[str, RateLimit] = MappingProxyType(
    {
        "invitations.create": RateLimit(100, _HOUR, burst=50),
        "invitations.bulk_create": RateLimit(25, _HOUR, burst=12),
        "organization_invitations.create": RateLimit(250, _HOUR, burst=125),
        "organization_invitations.create_bulk": RateLimit(50, _HOUR, burst=25),
    }
)


def endpoint_limit(value: RateLimit | str) -> RateLimit:
    """An operation's limit: a :class:`RateLimit` as given, or a spec such as ``"100/1h"``, which
    allows half its requests at once (as Clerk's hourly limits here do)."""
    if isinstance(value, RateLimit):
        return value
    limit = parse_rate_limit(value)
    if limit is None:
        raise ValueError(f"an operation's limit cannot be {value!r}: leave the operation out")
    return RateLimit(limit.requests, limit.period, burst=max(1, limit.requests // 2))


class RateLimitSettings:
    """The limits a client keeps to: ``limit`` for the instance (``"auto"``: by the secret key,
    1,000 per 10 s for ``sk_live_`` keys, else 100), and ``endpoint_limits`` for single operations,
    by client method (``"invitations.create"``) to a limit (``"100/1h"`` or a :class:`RateLimit`).
    ``endpoint_limits=None`` means Clerk's (:data:`ENDPOINT_LIMITS`); a mapping replaces them
    (``{}``: none). Where the sends are counted is the subclass's business."""

    __slots__ = ("_auto", "_fixed", "endpoint_limits")

    def __init__(
        self,
        limit: RateLimit | str = "auto",
        *,
        endpoint_limits: Mapping[str, RateLimit | str] | None = None,
    ) -> None:
        self._auto = isinstance(limit, str) and limit.strip().lower() == "auto"
        self._fixed: RateLimit | None = None
        if not self._auto:
            try:
                self._fixed = parse_rate_limit(limit)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"limit: {exc} (or 'auto')") from None
            if self._fixed is None:
                raise ValueError("limit: a limiter needs a limit ('auto' or e.g. '1000/10s')")
        #: Operation id -> its own limit.
        self.endpoint_limits: dict[str, RateLimit] = _by_operation(
            ENDPOINT_LIMITS if endpoint_limits is None else endpoint_limits
        )

    def instance_limit(self, secret_key: str | None) -> RateLimit:
        """The instance's limit for requests carrying ``secret_key``."""
        if self._fixed is not None:
            return self._fixed
        return instance_rate_limit(secret_key or "")

    def _describe(self) -> str:
        return "auto" if self._fixed is None else str(self._fixed)


class MemoryRateLimit(RateLimitSettings):
    """The limits kept by each client on its own, in this process: what ``Clerk(rate_limit="auto")``
    means. ``clerk_async.ratelimit.RedisRateLimit`` keeps them for every process instead."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"MemoryRateLimit({self._describe()!r})"


def rate_limit_settings(value: object) -> RateLimitSettings | None:
    """What ``Clerk(rate_limit=value)`` asks for (``None``: no limiter); a wrong value raises a
    ``TypeError`` or ``ValueError`` naming ``rate_limit``."""
    if value is None or isinstance(value, RateLimitSettings):
        return value
    if isinstance(value, str) and value.strip().lower() == "auto":
        return MemoryRateLimit("auto")
    try:
        limit = parse_rate_limit(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"rate_limit: {exc} (or 'auto', a MemoryRateLimit or RedisRateLimit, or None)"
        ) from None
    return None if limit is None else MemoryRateLimit(limit)


def _by_operation(limits: Mapping[str, RateLimit | str]) -> dict[str, RateLimit]:
    if not isinstance(limits, Mapping):
        raise TypeError(
            "endpoint_limits must map client methods such as 'invitations.create' to limits, "
            f"not {type(limits).__name__}"
        )
    from clerk_async import _operations

    methods = {f"{op.group}.{op.name}": op.operation_id for op in _operations.ALL}
    for (group, alias), (target_group, name) in _operations.METHOD_ALIASES.items():
        methods[f"{group}.{alias}"] = methods[f"{target_group}.{name}"]
    out: dict[str, RateLimit] = {}
    for method, value in limits.items():
        operation_id = methods.get(method) if isinstance(method, str) else None
        if operation_id is None:
            raise ValueError(
                f"endpoint_limits: {method!r} is no client method (e.g. 'invitations.create')"
            )
        try:
            out[operation_id] = endpoint_limit(value)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"endpoint_limits[{method!r}]: {exc}") from None
    return out
