"""Sessions and their tokens, sign-in tokens and testing tokens."""

from __future__ import annotations

import itertools
import time
from typing import Any

from clerk_async._security.token_types import CATEGORY_JWT_TEMPLATE, CATEGORY_SESSION
from clerk_async.emulator.errors import APIError, bad_request, not_found, param_value_invalid
from clerk_async.emulator.params import Body, Query
from clerk_async.emulator.tokens import SigningKey, sign_jwt

from .billing import Billing
from .common import new_id, now_ms, random_token
from .jwt_templates import JWTTemplateStore, render_claims
from .orgs import OrgStore
from .session_claims import MINUTE_MS, factor_ages, state_claims
from .users import UserStore

__all__ = ["SessionStore"]

SESSION_TTL_MS = 7 * 86_400_000
ABANDON_MS = 30 * 86_400_000
DEFAULT_TOKEN_SECONDS = 60
TESTING_TOKEN_SECONDS = 3600
#: What ``GET /sessions?status=`` takes (the spec has no ``pending`` there).
STATUSES = ("abandoned", "active", "ended", "expired", "removed", "replaced", "revoked")
#: Sessions that can still mint tokens: ``pending`` ones have tasks left (their tokens say so).
LIVE = ("active", "pending")
#: The session tasks Clerk has (a pending session has at least one).
TASKS = ("choose-organization", "reset-password", "setup-mfa")


class SessionStore:
    def __init__(
        self,
        users: UserStore,
        orgs: OrgStore,
        templates: JWTTemplateStore,
        key: SigningKey,
        issuer: str,
        billing: Billing,
    ) -> None:
        self.users = users
        self.orgs = orgs
        self.billing = billing
        self.templates = templates
        self.key = key
        self.issuer = issuer
        self.sessions: dict[str, dict[str, Any]] = {}
        self.sign_in_tokens: dict[str, dict[str, Any]] = {}
        self._seq = itertools.count()
        self._order: dict[str, int] = {}
        #: When each session's first and second factors were last verified (ms; None: never).
        self._factors: dict[str, tuple[int, int | None]] = {}

    # -- sessions ------------------------------------------------------------------------------

    def create(self, body: Body) -> dict[str, Any]:
        body.only(("user_id", "active_organization_id"))
        user = self.users.get(body.text("user_id", required=True) or "")
        org_id = body.text("active_organization_id")
        if org_id is not None:
            org = self.orgs.get(org_id)
            if user.id not in org.members:
                raise param_value_invalid(
                    "active_organization_id", f"{user.id} is not a member of {org.id}."
                )
            org_id = org.id
        now = now_ms()
        session_id = new_id("sess_")
        session: dict[str, Any] = {
            "object": "session",
            "id": session_id,
            "user_id": user.id,
            "client_id": new_id("client_"),
            "actor": None,
            "status": "active",
            "tasks": None,
            "last_active_organization_id": org_id,
            "last_active_at": now,
            "expire_at": now + SESSION_TTL_MS,
            "abandon_at": now + ABANDON_MS,
            "updated_at": now,
            "created_at": now,
        }
        self.sessions[session_id] = session
        self._order[session_id] = next(self._seq)
        self._factors[session_id] = (now, now if user.data["two_factor_enabled"] else None)
        self.users.touch(user.id, now, signed_in=True)
        return session

    def get(self, session_id: str) -> dict[str, Any]:
        session = self.sessions.get(session_id)
        if session is None:
            raise not_found("session", session_id)
        return session

    def revoke(self, session_id: str) -> dict[str, Any]:
        session = self.get(session_id)
        if session["status"] not in LIVE:
            raise bad_request(
                "session_not_active",
                "session is not active",
                f"Session {session_id} is {session['status']}.",
            )
        session.update(status="revoked", tasks=None, updated_at=now_ms())
        return session

    def listing(self, query: Query) -> list[dict[str, Any]]:
        user_id, client_id = query.text("user_id"), query.text("client_id")
        status = query.text("status")
        if status is not None and status not in STATUSES:
            raise param_value_invalid("status", f"status must be one of {', '.join(STATUSES)}.")
        selected = [
            s
            for s in self.sessions.values()
            if (user_id is None or s["user_id"] == user_id)
            and (client_id is None or s["client_id"] == client_id)
            and (status is None or s["status"] == status)
        ]
        selected.sort(key=lambda s: self._order[s["id"]], reverse=True)
        limit, offset = query.optional_page(len(selected))
        return selected[offset : offset + limit]

    def remove_user(self, user_id: str) -> None:
        for session in self.sessions.values():
            if session["user_id"] == user_id and session["status"] in LIVE:
                session.update(status="removed", tasks=None, updated_at=now_ms())

    # -- what tests set (the emulator's controls) ----------------------------------------------

    def verify_factors(
        self, session_id: str, first_factor_age: int, second_factor_age: int | None
    ) -> None:
        """As if the first factor was verified ``first_factor_age`` minutes ago, and the second
        ``second_factor_age`` minutes ago (``None``: the user has no second factor)."""
        self._live(session_id)
        _check_minutes("first_factor_age", first_factor_age)
        if second_factor_age is not None:
            _check_minutes("second_factor_age", second_factor_age)
        now = now_ms()
        second = None if second_factor_age is None else now - second_factor_age * MINUTE_MS
        self._factors[session_id] = (now - first_factor_age * MINUTE_MS, second)

    def set_tasks(self, session_id: str, tasks: list[str]) -> dict[str, Any]:
        """Tasks make the session ``pending`` (as Clerk's session tasks do); none, ``active``."""
        session = self._live(session_id)
        if isinstance(tasks, str):
            raise ValueError("tasks is a list of task keys, not one string")
        for task in tasks:
            if task not in TASKS:
                raise ValueError(f"a session task is one of {', '.join(TASKS)}, not {task!r}")
        keys = list(dict.fromkeys(tasks))
        session.update(
            status="pending" if keys else "active",
            tasks=[{"key": key} for key in keys] or None,
            updated_at=now_ms(),
        )
        return session

    def _live(self, session_id: str) -> dict[str, Any]:
        session = self.sessions.get(session_id)
        if session is None:
            raise LookupError(f"no session has the id {session_id!r}")
        if session["status"] not in LIVE:
            raise ValueError(f"the session {session_id} is {session['status']}")
        return session

    # -- tokens --------------------------------------------------------------------------------

    def token(self, session_id: str, body: Body, template_name: str | None) -> dict[str, Any]:
        session = self._active(session_id)
        body.only(("expires_in_seconds",))
        lifetime = body.integer("expires_in_seconds", minimum=30, maximum=315_360_000)
        now = int(time.time())
        if template_name is None:
            claims = self._session_claims(session, now, lifetime or DEFAULT_TOKEN_SECONDS)
            return {"object": "token", "jwt": self.key.sign(claims, CATEGORY_SESSION)}
        template = self.templates.by_name(template_name)
        data = template.data
        claims = render_claims(data["claims"], self._context(session))
        claims.update(
            iss=self.issuer,
            sub=session["user_id"],
            iat=now,
            nbf=now - data["allowed_clock_skew"],
            exp=now + (lifetime or data["lifetime"]),
            jti=random_token(20),
        )
        if template.signing_key is None:
            jwt = self.key.sign(claims, CATEGORY_JWT_TEMPLATE)
        else:
            jwt = sign_jwt(claims, data["signing_algorithm"], template.signing_key)
        return {"object": "token", "jwt": jwt}

    def _active(self, session_id: str) -> dict[str, Any]:
        session = self.get(session_id)
        if session["status"] not in LIVE:
            raise not_found("active session", session_id)
        return session

    def _session_claims(self, session: dict[str, Any], now: int, lifetime: int) -> dict[str, Any]:
        first, second = self._factors.get(session["id"], (session["created_at"], None))
        claims: dict[str, Any] = {
            "exp": now + lifetime,
            "fva": factor_ages(now_ms(), first, second),
            "iat": now,
            "iss": self.issuer,
            "jti": random_token(20),
            "nbf": now - 10,
            "sid": session["id"],
            "sub": session["user_id"],
            "v": 2,
        }
        claims.update(state_claims(session, self.orgs, self.billing))
        return dict(sorted(claims.items()))

    def _context(self, session: dict[str, Any]) -> dict[str, Any]:
        user = self.users.find(session["user_id"])
        data = user.data if user is not None else {}
        emails = {e["id"]: e["email_address"] for e in data.get("email_addresses", [])}
        phones = {p["id"]: p["phone_number"] for p in data.get("phone_numbers", [])}
        context_user = {
            **data,
            "primary_email_address": emails.get(data.get("primary_email_address_id") or ""),
            "primary_phone_number": phones.get(data.get("primary_phone_number_id") or ""),
            "email_verified": bool(emails),
            "phone_number_verified": bool(phones),
        }
        org: dict[str, Any] = {}
        org_id = session["last_active_organization_id"]
        if org_id and org_id in self.orgs.orgs:
            record = self.orgs.orgs[org_id]
            member = record.members.get(session["user_id"])
            org = {**record.data, "role": member.data["role"] if member else None}
        return {"user": context_user, "org": org, "session": session}

    # -- sign-in and testing tokens ------------------------------------------------------------

    def create_sign_in_token(self, body: Body, frontend: str) -> dict[str, Any]:
        body.only(("user_id", "org_id", "expires_in_seconds"))
        user = self.users.get(body.text("user_id", required=True) or "")
        org_id = body.text("org_id")
        if org_id is not None and user.id not in self.orgs.get(org_id).members:
            raise param_value_invalid("org_id", f"{user.id} is not a member of {org_id}.")
        body.integer("expires_in_seconds", minimum=1)
        token_id = new_id("sit_")
        token = random_token(64)
        stamp = now_ms()
        data = {
            "object": "sign_in_token",
            "id": token_id,
            "status": "pending",
            "user_id": user.id,
            "token": token,
            "url": f"{frontend}/v1/tickets/accept?ticket={token}",
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.sign_in_tokens[token_id] = data
        return data

    def revoke_sign_in_token(self, token_id: str) -> dict[str, Any]:
        data = self.sign_in_tokens.get(token_id)
        if data is None:
            raise not_found("sign-in token", token_id)
        if data["status"] != "pending":
            raise APIError(
                400,
                "sign_in_token_cannot_be_revoked",
                "cannot revoke",
                f"Sign-in token {token_id} is {data['status']}; only pending ones revoke.",
            )
        data.update(status="revoked", updated_at=now_ms())
        return data

    @staticmethod
    def testing_token() -> dict[str, Any]:
        now = int(time.time())
        return {
            "object": "testing_token",
            "token": f"{now}-{random_token(40)}",
            "expires_at": now + TESTING_TOKEN_SECONDS,
        }


def _check_minutes(name: str, age: object) -> None:
    if isinstance(age, bool) or not isinstance(age, int) or age < 0:
        raise ValueError(f"{name} is a number of minutes (an int >= 0), not {age!r}")
