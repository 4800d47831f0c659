"""Instance-wide lists: invitations, allow-list and block-list identifiers, redirect URLs."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from clerk_async.emulator.errors import (
    APIError,
    bad_request,
    identifier_exists,
    not_found,
    param_invalid,
    param_value_invalid,
)
from clerk_async.emulator.params import Body, Query

from .common import new_id, now_ms, order, parse_order, random_token
from .identifiers import normalize
from .users import UserStore

__all__ = ["IdentifierList", "InvitationStore", "RedirectURLStore"]

DAY_MS = 86_400_000
INVITATION_FIELDS = frozenset(
    {"email_address", "public_metadata", "redirect_url", "notify", "ignore_existing",
     "expires_in_days", "template_slug"}
)  # fmt: skip
STATUSES = ("pending", "accepted", "revoked", "expired")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s]+$")


class InvitationStore:
    def __init__(self, users: UserStore, frontend: str) -> None:
        self.users = users
        self.frontend = frontend
        self.items: dict[str, tuple[int, dict[str, Any]]] = {}
        self._seq = itertools.count()

    def create(self, body: Body) -> dict[str, Any]:
        (prepared,) = self._prepare([body])
        return self._add(prepared)

    def create_bulk(self, bodies: list[Body]) -> list[dict[str, Any]]:
        if not 1 <= len(bodies) <= 10:
            raise param_value_invalid("request_body", "Send between 1 and 10 invitations.")
        return [self._add(item) for item in self._prepare(bodies)]

    def revoke(self, invitation_id: str) -> dict[str, Any]:
        found = self.items.get(invitation_id)
        if found is None:
            raise not_found("invitation", invitation_id)
        data = found[1]
        if data["status"] != "pending":
            raise bad_request(
                "invitation_not_pending",
                "invitation is not pending",
                f"Invitation {invitation_id} is {data['status']}; only pending ones revoke.",
            )
        data.update(status="revoked", revoked=True, updated_at=now_ms())
        return data

    def listing(self, query: Query) -> list[dict[str, Any]]:
        limit, offset = query.page()
        status = query.text("status")
        if status is not None and status not in STATUSES:
            raise param_value_invalid("status", f"status must be one of {', '.join(STATUSES)}.")
        text = (query.text("query") or "").lower()
        fields: dict[str, Callable[[tuple[int, dict[str, Any]]], Any]] = {
            "created_at": lambda item: item[1]["created_at"],
            "email_address": lambda item: item[1]["email_address"],
            "expires_at": lambda item: item[1]["expires_at"],
        }
        ordering = parse_order(query.text("order_by"), fields)
        selected = [
            item
            for item in self.items.values()
            if (status is None or item[1]["status"] == status)
            and (not text or text in item[1]["email_address"].lower())
        ]
        selected = order(selected, ordering, lambda item: item[0])
        return [data for _, data in selected[offset : offset + limit]]

    def _prepare(self, bodies: list[Body]) -> list[dict[str, Any]]:
        prepared: list[dict[str, Any]] = []
        seen: set[str] = set()
        for body in bodies:
            body.only(INVITATION_FIELDS)
            address = body.text("email_address", required=True) or ""
            key = normalize("email_address", address)
            ignore = body.flag("ignore_existing")
            if not ignore and self.users.identifiers.owner("email_address", key) is not None:
                raise identifier_exists("email_address", "email address")
            if key in seen or (not ignore and self._pending(key)):
                raise APIError(
                    422,
                    "duplicate_record",
                    "duplicate invitation",
                    f"There is already a pending invitation for {address}.",
                    {"param_name": "email_address"},
                )
            template = body.text("template_slug")
            if template is not None and template not in ("invitation", "waitlist_invitation"):
                raise param_value_invalid("template_slug")
            days = body.integer("expires_in_days", minimum=1, maximum=365) or 30
            seen.add(key)
            prepared.append(
                {
                    "email_address": address.strip(),
                    "public_metadata": body.mapping("public_metadata") or {},
                    "days": days,
                }
            )
        return prepared

    def _add(self, prepared: dict[str, Any]) -> dict[str, Any]:
        now = now_ms()
        invitation_id = new_id("inv_")
        ticket = random_token(40)
        data = {
            "object": "invitation",
            "id": invitation_id,
            "email_address": prepared["email_address"],
            "public_metadata": prepared["public_metadata"],
            "revoked": False,
            "status": "pending",
            "url": f"{self.frontend}/sign-up?__clerk_ticket={ticket}",
            "expires_at": now + prepared["days"] * DAY_MS,
            "created_at": now,
            "updated_at": now,
        }
        self.items[invitation_id] = (next(self._seq), data)
        return data

    def _pending(self, key: str) -> bool:
        return any(
            data["status"] == "pending" and data["email_address"].lower() == key
            for _, data in self.items.values()
        )


def identifier_type(identifier: str) -> str:
    text = identifier.strip()
    if text.startswith("0x"):
        normalize("web3_wallet", text, "identifier")
        return "web3_wallet"
    if text.startswith("+"):
        normalize("phone_number", text, "identifier")
        return "phone_number"
    if text.startswith("*@"):
        normalize("email_address", "wildcard" + text[1:], "identifier")
        return "email_address"
    normalize("email_address", text, "identifier")
    return "email_address"


class IdentifierList:
    """The allow-list or the block-list: ``kind`` is ``allowlist`` or ``blocklist``."""

    def __init__(self, kind: str, instance_id: str) -> None:
        self.kind = kind
        self.object = f"{kind}_identifier"
        self.prefix = "alid_" if kind == "allowlist" else "blid_"
        self.instance_id = instance_id
        self.items: dict[str, dict[str, Any]] = {}

    def create(self, body: Body) -> dict[str, Any]:
        allowed = ("identifier", "notify") if self.kind == "allowlist" else ("identifier",)
        body.only(allowed)
        identifier = (body.text("identifier", required=True) or "").strip()
        kind = identifier_type(identifier)
        body.flag("notify")
        if any(item["identifier"].lower() == identifier.lower() for item in self.items.values()):
            raise bad_request(
                "duplicate_record",
                f"duplicate {self.kind} identifier",
                f"The identifier {identifier} is already in the {self.kind}.",
            )
        now = now_ms()
        item_id = new_id(self.prefix)
        data = {
            "object": self.object,
            "id": item_id,
            "identifier": identifier,
            "identifier_type": kind,
            "instance_id": self.instance_id,
            "created_at": now,
            "updated_at": now,
        }
        self.items[item_id] = data
        return data

    def delete(self, identifier_id: str) -> dict[str, Any]:
        if self.items.pop(identifier_id, None) is None:
            raise not_found("identifier", identifier_id)
        return {"object": self.object, "id": identifier_id, "deleted": True}

    def listing(self, query: Query) -> list[dict[str, Any]]:
        limit, offset = query.optional_page(len(self.items))
        items = sorted(self.items.values(), key=lambda d: d["created_at"], reverse=True)
        return items[offset : offset + limit]


class RedirectURLStore:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def create(self, body: Body) -> dict[str, Any]:
        url = (body.only(("url",)).text("url", required=True) or "").strip()
        if not _URL.match(url):
            raise param_invalid("url", f"{url!r} is not a URL.")
        if any(item["url"] == url for item in self.items.values()):
            raise bad_request(
                "duplicate_record", "duplicate redirect URL", f"{url} is already allowed."
            )
        now = now_ms()
        url_id = new_id("ru_")
        data = {
            "object": "redirect_url",
            "id": url_id,
            "url": url,
            "created_at": now,
            "updated_at": now,
        }
        self.items[url_id] = data
        return data

    def get(self, url_id: str) -> dict[str, Any]:
        data = self.items.get(url_id)
        if data is None:
            raise not_found("redirect URL", url_id)
        return data

    def delete(self, url_id: str) -> dict[str, Any]:
        self.get(url_id)
        del self.items[url_id]
        return {"object": "redirect_url", "id": url_id, "deleted": True}

    def listing(self, query: Query) -> list[dict[str, Any]]:
        limit, offset = query.optional_page(len(self.items))
        return list(self.items.values())[offset : offset + limit]
