"""Organization invitations: create (one or in bulk), list, get and revoke."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from clerk_async.emulator.errors import APIError, not_found, param_value_invalid
from clerk_async.emulator.params import Body, Query

from .common import new_id, now_ms, order, parse_order
from .identifiers import normalize
from .orgs import OrgRecord, OrgStore, already_a_member, identifier_of

__all__ = ["OrgInvitationStore"]

DAY_MS = 86_400_000
DEFAULT_DAYS = 30
FIELDS = frozenset(
    {"email_address", "inviter_user_id", "role", "public_metadata", "private_metadata",
     "redirect_url", "expires_in_days", "notify"}
)  # fmt: skip
STATUSES = ("pending", "accepted", "revoked", "expired")


class Invite:
    __slots__ = ("data", "org", "seq")

    def __init__(self, org: OrgRecord, data: dict[str, Any], seq: int) -> None:
        self.org = org
        self.data = data
        self.seq = seq


class OrgInvitationStore:
    def __init__(self, orgs: OrgStore) -> None:
        self.orgs = orgs
        self.invites: dict[str, Invite] = {}
        self._seq = itertools.count()
        orgs.pending_invitations = self.pending_count

    def create(self, id_or_slug: str, body: Body) -> dict[str, Any]:
        org = self.orgs.get(id_or_slug)
        (prepared,) = self._prepare(org, [body])
        self.orgs.check_quota(org)
        return self.render(self._add(org, prepared), False)

    def create_bulk(self, id_or_slug: str, bodies: list[Body]) -> dict[str, Any]:
        org = self.orgs.get(id_or_slug)
        if not 1 <= len(bodies) <= 10:
            raise param_value_invalid("request_body", "Send between 1 and 10 invitations.")
        prepared = self._prepare(org, bodies)
        self.orgs.check_quota(org, len(prepared))
        created = [self.render(self._add(org, item), False) for item in prepared]
        return {"data": created, "total_count": len(created)}

    def get(self, id_or_slug: str, invitation_id: str) -> Invite:
        org = self.orgs.get(id_or_slug)
        invite = self.invites.get(invitation_id)
        if invite is None or invite.org is not org:
            raise not_found("organization invitation", invitation_id)
        return invite

    def revoke(self, id_or_slug: str, invitation_id: str) -> dict[str, Any]:
        invite = self.get(id_or_slug, invitation_id)
        if invite.data["status"] != "pending":
            raise APIError(
                400,
                "organization_invitation_not_pending",
                "invitation is not pending",
                f"Invitation {invitation_id} is {invite.data['status']}; only pending ones revoke.",
            )
        invite.data.update(status="revoked", updated_at=now_ms())
        return self.render(invite, False)

    def listing(
        self,
        query: Query,
        *,
        org: OrgRecord | None = None,
        emails: set[str] | None = None,
        status: str | None = None,
        public_org: bool = False,
    ) -> dict[str, Any]:
        limit, offset = query.page()
        wanted = status or query.text("status")
        if wanted is not None and wanted not in STATUSES:
            raise param_value_invalid("status", f"status must be one of {', '.join(STATUSES)}.")
        email = query.text("email_address")
        text = (query.text("query") or "").lower()
        fields: dict[str, Callable[[Invite], Any]] = {
            "created_at": lambda i: i.data["created_at"],
            "email_address": lambda i: i.data["email_address"],
        }
        ordering = parse_order(query.text("order_by"), fields)
        selected = [
            i
            for i in self.invites.values()
            if (org is None or i.org is org)
            and (emails is None or i.data["email_address"].lower() in emails)
            and (wanted is None or i.data["status"] == wanted)
            and (email is None or i.data["email_address"].lower() == email.lower())
            and (not text or text in i.data["email_address"].lower())
        ]
        selected = order(selected, ordering, lambda i: i.seq)
        page = [self.render(i, public_org) for i in selected[offset : offset + limit]]
        return {"data": page, "total_count": len(selected)}

    def pending_count(self, org: OrgRecord) -> int:
        return sum(
            1 for i in self.invites.values() if i.org is org and i.data["status"] == "pending"
        )

    def roles_in_use(self) -> set[str]:
        """The roles of pending invitations (a role in one cannot be deleted)."""
        return {i.data["role"] for i in self.invites.values() if i.data["status"] == "pending"}

    def rename_role(self, old: str, new: str) -> None:
        for invite in self.invites.values():
            if invite.data["role"] == old:
                invite.data["role"] = new

    def remove_org(self, org_id: str) -> None:
        self.invites = {k: v for k, v in self.invites.items() if v.org.id != org_id}

    # -- helpers -------------------------------------------------------------------------------

    def _prepare(self, org: OrgRecord, bodies: list[Body]) -> list[dict[str, Any]]:
        prepared: list[dict[str, Any]] = []
        seen: set[str] = set()
        for body in bodies:
            body.only(FIELDS)
            address = body.text("email_address", required=True) or ""
            key = normalize("email_address", address)
            role = self.orgs.check_role(org, body.text("role", required=True))
            inviter_id = body.text("inviter_user_id")
            inviter = self.orgs.users.find(inviter_id) if inviter_id else None
            if inviter_id and inviter is None:
                raise param_value_invalid(
                    "inviter_user_id", f"No user was found with id {inviter_id}."
                )
            days = body.integer("expires_in_days", minimum=1, maximum=365) or DEFAULT_DAYS
            if key in seen or self._pending(org, key):
                raise APIError(
                    400,
                    "organization_invitation_not_unique",
                    "organization invitation not unique",
                    "Organizations cannot have duplicate pending invitations for an email address.",
                )
            member = self.orgs.users.identifiers.owner("email_address", key)
            if member is not None and member in org.members:
                raise already_a_member(address)
            seen.add(key)
            prepared.append(
                {
                    "email_address": address.strip(),
                    "role": role,
                    "inviter_id": inviter_id,
                    "public_inviter_data": _inviter(inviter.data) if inviter else None,
                    "public_metadata": body.mapping("public_metadata") or {},
                    "private_metadata": body.mapping("private_metadata") or {},
                    "days": days,
                }
            )
        return prepared

    def _add(self, org: OrgRecord, prepared: dict[str, Any]) -> Invite:
        now = now_ms()
        days = prepared.pop("days")
        data = {
            "object": "organization_invitation",
            "id": new_id("orginv_"),
            "email_address": prepared["email_address"],
            "role": prepared["role"],
            "organization_id": org.id,
            "inviter_id": prepared["inviter_id"],
            "public_inviter_data": prepared["public_inviter_data"],
            "status": "pending",
            "public_metadata": prepared["public_metadata"],
            "private_metadata": prepared["private_metadata"],
            "url": None,
            "expires_at": now + days * DAY_MS,
            "created_at": now,
            "updated_at": now,
        }
        invite = Invite(org, data, next(self._seq))
        self.invites[data["id"]] = invite
        return invite

    def _pending(self, org: OrgRecord, key: str) -> bool:
        return any(
            i.org is org
            and i.data["status"] == "pending"
            and i.data["email_address"].lower() == key
            for i in self.invites.values()
        )

    def render(self, invite: Invite, public_org: bool = False) -> dict[str, Any]:
        role = self.orgs.roles.by_key(invite.data["role"])
        rendered = {**invite.data, "role_name": role.data["name"] if role else invite.data["role"]}
        if public_org:
            org = invite.org.data
            keys = ("id", "name", "slug", "image_url", "has_image")
            rendered["public_organization_data"] = {key: org[key] for key in keys}
        return rendered


def _inviter(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "user_id": user["id"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "image_url": user["image_url"],
        "has_image": user["has_image"],
        "identifier": identifier_of(user) or user["id"],
    }
