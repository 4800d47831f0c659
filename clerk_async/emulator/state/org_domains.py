"""Organization domains with Clerk's rules.

An organization has each domain name once and at most ``max_allowed_domains`` (10) of them; a name
can be *verified* for one organization of the instance only; common and disposable email domains
are refused, and so is an enrollment mode the instance settings switch off. A domain the Backend
API creates is verified unless it says otherwise (its affiliation, as Clerk calls it); ownership
is verified separately (``verify_ownership``, Clerk's manual override).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from clerk_async._identifiers import BLOCKED_DOMAINS, COMMON_DOMAINS
from clerk_async._identifiers import DOMAIN_NAME as _NAME
from clerk_async.emulator.errors import (
    APIError,
    not_found,
    param_invalid,
    param_missing,
    param_value_invalid,
)
from clerk_async.emulator.params import Body, Query

from .common import new_id, now_ms, order, parse_order
from .org_settings import ENROLLMENT_MODES, OrgSettings
from .orgs import OrgRecord, OrgStore

__all__ = ["OrgDomains"]


def _domain_error(status: int, code: str, message: str, long_message: str) -> APIError:
    return APIError(status, code, message, long_message, {"param_name": "name"})


class _Domain:
    __slots__ = ("data", "org", "seq", "verified")

    def __init__(self, org: OrgRecord, data: dict[str, Any], verified: bool, seq: int) -> None:
        self.org = org
        self.data = data
        self.verified = verified
        self.seq = seq


class OrgDomains:
    def __init__(self, orgs: OrgStore, settings: OrgSettings) -> None:
        self.orgs = orgs
        self.settings = settings
        self.domains: dict[str, _Domain] = {}
        self._seq = itertools.count()

    def create(self, id_or_slug: str, body: Body) -> dict[str, Any]:
        org = self.orgs.get(id_or_slug)
        body.only(("name", "enrollment_mode", "verified"))
        name = _check_name(body.text("name", required=True))
        mode = self._check_mode(body.text("enrollment_mode") or "manual_invitation")
        verified = body.flag("verified", default=True)
        if any(d.org is org and d.data["name"] == name for d in self.domains.values()):
            raise _already_exists()
        if verified:
            self._check_unverified_elsewhere(name, None)
        limit = self.settings.max_allowed_domains
        if sum(1 for d in self.domains.values() if d.org is org) >= limit:
            raise APIError(
                403,
                "organization_domain_quota_exceeded",
                "organization domains quota exceeded",
                f"You have reached your limit of {limit} domains per organization.",
            )
        now = now_ms()
        data: dict[str, Any] = {
            "object": "organization_domain", "id": new_id("orgdmn_"), "organization_id": org.id,
            "name": name, "enrollment_mode": mode, "affiliation_email_address": None,
            "ownership_verification": None, "total_pending_invitations": 0,
            "total_pending_suggestions": 0, "created_at": now, "updated_at": now,
        }  # fmt: skip
        domain = _Domain(org, data, verified, next(self._seq))
        self.domains[data["id"]] = domain
        return self.render(domain)

    def update(self, id_or_slug: str, domain_id: str, body: Body) -> dict[str, Any]:
        domain = self._get(id_or_slug, domain_id)
        body.only(("enrollment_mode", "verified"))
        mode = body.text("enrollment_mode")
        if mode is not None:
            mode = self._check_mode(mode)
        verified = body.data.get("verified")
        if verified is not None:
            verified = body.flag("verified")
            if verified and not domain.verified:
                self._check_unverified_elsewhere(domain.data["name"], domain)
            domain.verified = verified
        if mode is not None:
            domain.data["enrollment_mode"] = mode
        domain.data["updated_at"] = now_ms()
        return self.render(domain)

    def delete(self, id_or_slug: str, domain_id: str) -> dict[str, Any]:
        self._get(id_or_slug, domain_id)
        del self.domains[domain_id]
        return {"object": "organization_domain", "id": domain_id, "deleted": True}

    def verify_ownership(self, id_or_slug: str, domain_id: str) -> dict[str, Any]:
        domain = self._get(id_or_slug, domain_id)
        if domain.data["ownership_verification"] is None:
            domain.data["ownership_verification"] = {
                "status": "verified",
                "strategy": "manual_override",
                "attempts": None,
                "expire_at": None,
                "verified_at": now_ms(),
            }
            domain.data["updated_at"] = now_ms()
        return self.render(domain)

    def listing(self, query: Query, id_or_slug: str | None = None) -> dict[str, Any]:
        limit, offset = query.page()
        org = self.orgs.get(id_or_slug) if id_or_slug is not None else None
        selected = [d for d in self.domains.values() if org is None or d.org is org]
        selected = self._filter(query, selected, instance_wide=org is None)
        fields: dict[str, Callable[[_Domain], Any]] = {
            "created_at": lambda d: d.data["created_at"],
            "name": lambda d: d.data["name"],
        }
        ordering = parse_order(query.text("order_by") if org is None else None, fields)
        selected = order(selected, ordering, lambda d: d.seq)
        page = [self.render(d) for d in selected[offset : offset + limit]]
        return {"data": page, "total_count": len(selected)}

    def remove_org(self, org_id: str) -> None:
        self.domains = {k: d for k, d in self.domains.items() if d.org.id != org_id}

    def render(self, domain: _Domain) -> dict[str, Any]:
        affiliation = (
            {
                "status": "verified",
                "strategy": "admin",
                "attempts": None,
                "expire_at": None,
                "verified_at": None,
            }
            if domain.verified
            else None
        )
        org = domain.org.data
        public = {key: org[key] for key in ("id", "name", "slug", "image_url", "has_image")}
        return {
            **domain.data,
            "affiliation_verification": affiliation,
            "verification": affiliation,
            "public_organization_data": public,
        }

    # -- helpers -------------------------------------------------------------------------------

    def _get(self, id_or_slug: str, domain_id: str) -> _Domain:
        org = self.orgs.get(id_or_slug)
        domain = self.domains.get(domain_id)
        if domain is None or domain.org is not org:
            raise not_found("organization domain", domain_id)
        return domain

    def _check_mode(self, mode: str) -> str:
        if mode not in ENROLLMENT_MODES:
            raise param_value_invalid(
                "enrollment_mode", f"enrollment_mode must be one of {', '.join(ENROLLMENT_MODES)}."
            )
        if not self.settings.mode_enabled(mode):
            raise APIError(
                403,
                "organization_domain_enrollment_mode_not_enabled",
                "organization enrollment mode not enabled",
                f"Enrollment mode {mode} is not enabled for this instances's organizations.",
            )
        return mode

    def _check_unverified_elsewhere(self, name: str, this: _Domain | None) -> None:
        """A name is verified for at most one organization of the instance."""
        for other in self.domains.values():
            if other is not this and other.verified and other.data["name"] == name:
                raise _already_exists()

    @staticmethod
    def _filter(query: Query, domains: list[_Domain], *, instance_wide: bool) -> list[_Domain]:
        verified = query.text("verified")
        if verified is not None and verified not in ("true", "false"):
            raise param_value_invalid("verified", "verified must be true or false.")
        modes = [m for value in query.strings("enrollment_mode") for m in value.split(",") if m]
        for mode in modes:
            if mode.lstrip("-") not in ENROLLMENT_MODES:
                raise param_value_invalid("enrollment_mode", f"{mode} is not an enrollment mode.")
        include = {m for m in modes if not m.startswith("-")}
        exclude = {m[1:] for m in modes if m.startswith("-")}
        selected = [
            d
            for d in domains
            if (verified is None or d.verified == (verified == "true"))
            and (not include or d.data["enrollment_mode"] in include)
            and d.data["enrollment_mode"] not in exclude
        ]
        if not instance_wide:
            return selected
        org_id = query.text("organization_id")
        names = {n.lower() for n in query.strings("domains")}
        text = query.text("query")
        if text is not None and not text.strip():
            raise param_invalid("query", "query must not be empty.")
        return [
            d
            for d in selected
            if (org_id is None or d.org.id == org_id)
            and (not names or d.data["name"] in names)
            and (
                text is None
                or (d.org.id == text if text.startswith("org_") else text.lower() in d.data["name"])
            )
        ]


def _check_name(name: str | None) -> str:
    if not name or not name.strip():
        raise param_missing("name")
    normalized = name.strip().lower()
    if not _NAME.match(normalized):
        raise param_invalid("name", f"{name} is not a domain name.")
    if normalized in COMMON_DOMAINS:
        raise _domain_error(
            422,
            "organization_domain_common",
            "common email domain",
            "This is a common email provider domain. Please use a different one.",
        )
    if normalized in BLOCKED_DOMAINS:
        raise _domain_error(
            422,
            "organization_domain_blocked",
            "blocked email domain",
            "This is a blocked email provider domain. Please use a different one.",
        )
    return normalized


def _already_exists() -> APIError:
    return _domain_error(
        422,
        "organization_domain_already_exists",
        "organizaton domain already exists",
        "This domain is already used by another organization.",
    )
