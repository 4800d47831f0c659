"""What tests set that Clerk's Backend API cannot: billing plans and features, and the state of a
session (how long ago its factors were verified, its pending tasks). Session tokens minted
afterwards through the API (``sessions.create_token``) carry them in ``pla``, ``fea``, ``o.per``/
``o.fpm``, ``fva`` and ``sts``.

From Python, through the running emulator (``ClerkEmulator.billing`` / ``.sessions``)::

    emu.billing.create_plan("pro", payer_type="org", features=["analytics"])
    emu.billing.subscribe(org_id, "pro")
    emu.sessions.verify_factors(session_id, first_factor_age=30, second_factor_age=15)
    emu.sessions.set_tasks(session_id, ["choose-organization"])

Bad values raise ``ValueError``, unknown ids or plans ``LookupError``. For a server run from the
command line, the same under ``/__emulator/`` (secret key required, JSON bodies):

- ``POST /__emulator/billing/features`` ``{"slug", "name"?}``
- ``POST /__emulator/billing/plans`` ``{"slug", "payer_type", "features"?, "name"?, "fee"?}``
- ``PUT /__emulator/billing/payers/{user or organization id}`` ``{"plan"?, "features"?}``
- ``PUT /__emulator/sessions/{session id}`` ``{"first_factor_age"?, "second_factor_age"?,
  "tasks"?}``
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import msgspec

from .errors import APIError, not_found, param_missing, param_value_invalid

if TYPE_CHECKING:
    from aiohttp import web

    from .state import State

__all__ = ["BillingControls", "SessionControls", "handle_controls"]

T = TypeVar("T")


class Emulator(Protocol):
    """What the controls need of the emulator application: its state."""

    @property
    def state(self) -> State: ...


InLoop = Callable[[Callable[[], Any]], Any]


def _direct(action: Callable[[], T]) -> T:
    return action()


class _Controls:
    def __init__(self, emulator: Emulator, in_loop: InLoop = _direct) -> None:
        self._emulator = emulator
        self._in_loop = in_loop

    def _run(self, action: Callable[[State], T]) -> T:
        emulator = self._emulator
        result: T = self._in_loop(lambda: action(emulator.state))
        return result


class BillingControls(_Controls):
    """Features and plans (as made in Clerk's Dashboard), and who is subscribed to which."""

    def create_feature(self, slug: str, *, name: str | None = None) -> dict[str, Any]:
        """A feature (Clerk's ``FeatureResponse``); an existing slug is returned as it is."""
        return self._run(lambda state: state.billing.create_feature(slug, name=name))

    def create_plan(
        self,
        slug: str,
        *,
        payer_type: str,
        features: Iterable[str] = (),
        name: str | None = None,
        fee: int = 0,
    ) -> dict[str, Any]:
        """A plan for ``"user"`` or ``"org"`` payers with these features (made if new); ``fee``
        in cents. Returns Clerk's ``CommercePlan``, as ``GET /billing/plans`` lists it."""
        wanted = _strings("features", features)
        return self._run(
            lambda state: state.billing.create_plan(
                slug, payer_type=payer_type, features=wanted, name=name, fee=fee
            )
        )

    def subscribe(self, payer_id: str, plan: str | None) -> None:
        """Put a user (``user_...``) or organization (``org_...``) on ``plan`` (``None``: back on
        the default free plan, which session tokens do not list in ``pla``)."""

        def subscribe(state: State) -> None:
            _check_payer(state, payer_id)
            state.billing.subscribe(payer_id, plan)

        self._run(subscribe)

    def grant_features(self, payer_id: str, features: Iterable[str]) -> None:
        """Features the user or organization has besides its plan's (replacing earlier grants)."""
        wanted = _strings("features", features)

        def grant(state: State) -> None:
            _check_payer(state, payer_id)
            state.billing.grant_features(payer_id, wanted)

        self._run(grant)


class SessionControls(_Controls):
    """A session's verification ages and tasks, for ``fva`` and ``sts``."""

    def verify_factors(
        self, session_id: str, *, first_factor_age: int = 0, second_factor_age: int | None = None
    ) -> None:
        """As if the first factor was verified ``first_factor_age`` minutes ago and the second
        ``second_factor_age`` minutes ago (``None``: no second factor, ``fva`` shows ``-1``)."""
        self._run(
            lambda state: state.sessions.verify_factors(
                session_id, first_factor_age, second_factor_age
            )
        )

    def set_tasks(self, session_id: str, tasks: Iterable[str]) -> dict[str, Any]:
        """Give the session tasks (``choose-organization``, ``reset-password``, ``setup-mfa``):
        it is ``pending`` until they are cleared with ``[]``. Returns the session."""
        wanted = _strings("tasks", tasks)
        return self._run(lambda state: dict(state.sessions.set_tasks(session_id, wanted)))


def _check_payer(state: State, payer_id: str) -> None:
    if not isinstance(payer_id, str) or not payer_id.startswith(("user_", "org_")):
        raise ValueError(
            f"a payer is a user (user_...) or organization (org_...), not {payer_id!r}"
        )
    found = (
        state.users.find(payer_id) is not None
        if payer_id.startswith("user_")
        else payer_id in state.orgs.orgs
    )
    if not found:
        raise LookupError(f"no user or organization has the id {payer_id!r}")


async def handle_controls(emulator: Emulator, request: web.Request, path: str) -> Any:
    """The ``/__emulator/billing/...`` and ``/__emulator/sessions/...`` control endpoints."""
    parts = path.removeprefix("/__emulator/").split("/")
    body = await _body(request)
    billing, sessions = BillingControls(emulator), SessionControls(emulator)
    try:
        route = (request.method, *parts[:2])
        if route == ("POST", "billing", "features") and len(parts) == 2:
            return billing.create_feature(_need(body, "slug"), name=_get(body, "name", str))
        if route == ("POST", "billing", "plans") and len(parts) == 2:
            return billing.create_plan(
                _need(body, "slug"),
                payer_type=_need(body, "payer_type"),
                features=_get(body, "features", list) or [],
                name=_get(body, "name", str),
                fee=_get(body, "fee", int) or 0,
            )
        if route == ("PUT", "billing", "payers") and len(parts) == 3:
            _check_payer(emulator.state, parts[2])
            if "plan" in body:
                billing.subscribe(parts[2], _get(body, "plan", str))
            if "features" in body:
                billing.grant_features(parts[2], _get(body, "features", list) or [])
            return emulator.state.billing.subscription(parts[2])
        if route[:2] == ("PUT", "sessions") and len(parts) == 2:
            if "first_factor_age" in body or "second_factor_age" in body:
                sessions.verify_factors(
                    parts[1],
                    first_factor_age=_get(body, "first_factor_age", int) or 0,
                    second_factor_age=_get(body, "second_factor_age", int),
                )
            if "tasks" in body:
                return sessions.set_tasks(parts[1], _get(body, "tasks", list) or [])
            return emulator.state.sessions.get(parts[1])
    except LookupError as exc:
        raise not_found("object", str(exc)) from None
    except ValueError as exc:
        raise param_value_invalid("body", str(exc)) from None
    raise not_found("control endpoint", f"{request.method} {path}")


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise APIError(400, "request_body_invalid", "Request body invalid") from None
    if not isinstance(body, dict):
        raise APIError(400, "request_body_invalid", "Request body invalid")
    return body


def _strings(name: str, values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        raise ValueError(f"{name} is a list of strings, not one string")
    items = list(values)
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{name} holds strings, not {item!r}")
    return items


def _need(body: dict[str, Any], name: str) -> str:
    value = _get(body, name, str)
    if value is None:
        raise param_missing(name)
    return value


def _get(body: dict[str, Any], name: str, kind: type[T]) -> T | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise param_value_invalid(name, f"{name} must be a {kind.__name__}.")
    return value
