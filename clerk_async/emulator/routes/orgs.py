"""Handlers for organizations, their memberships and their invitations."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.errors import param_missing
from clerk_async.emulator.routing import Call

__all__ = ["ROUTES"]


def _org(call: Call) -> str:
    return call.params["organization_id"]


def list_orgs(call: Call) -> Any:
    return call.state.orgs.listing(call.query)


def create_org(call: Call) -> Any:
    return call.state.orgs.create(call.body())


def get_org(call: Call) -> Any:
    orgs = call.state.orgs
    return orgs.render(orgs.get(_org(call)), counts=bool(call.query.flag("include_members_count")))


def update_org(call: Call) -> Any:
    return call.state.orgs.update(_org(call), call.body())


def delete_org(call: Call) -> Any:
    return call.state.delete_org(_org(call))


def merge_org_metadata(call: Call) -> Any:
    return call.state.orgs.merge_metadata(_org(call), call.body(), replace=False)


def replace_org_metadata(call: Call) -> Any:
    return call.state.orgs.merge_metadata(_org(call), call.body(), replace=True)


def upload_logo(call: Call) -> Any:
    call.state.orgs.get(_org(call))
    if not isinstance(call.files.get("file"), bytes):
        raise param_missing("file")
    uploader = call.files.get("uploader_user_id")
    if isinstance(uploader, str) and uploader:
        call.state.users.get(uploader)
    return call.state.orgs.set_logo(_org(call), True)


def delete_logo(call: Call) -> Any:
    return call.state.orgs.set_logo(_org(call), False)


# -- memberships ---------------------------------------------------------------------------------


def create_membership(call: Call) -> Any:
    return call.state.orgs.add_member(_org(call), call.body())


def list_memberships(call: Call) -> Any:
    orgs = call.state.orgs
    record = orgs.get(_org(call))
    return orgs.list_members(call.query, list(record.members.values()))


def list_all_memberships(call: Call) -> Any:
    orgs = call.state.orgs
    return orgs.list_members(call.query, orgs.all_memberships())


def update_membership(call: Call) -> Any:
    return call.state.orgs.update_member(_org(call), call.params["user_id"], call.body())


def delete_membership(call: Call) -> Any:
    return call.state.orgs.remove_member(_org(call), call.params["user_id"])


def merge_membership_metadata(call: Call) -> Any:
    return call.state.orgs.merge_member_metadata(_org(call), call.params["user_id"], call.body())


# -- invitations ---------------------------------------------------------------------------------


def create_invitation(call: Call) -> Any:
    return call.state.org_invitations.create(_org(call), call.body())


def create_invitations(call: Call) -> Any:
    return call.state.org_invitations.create_bulk(_org(call), call.bodies())


def list_invitations(call: Call) -> Any:
    org = call.state.orgs.get(_org(call))
    return call.state.org_invitations.listing(call.query, org=org)


def list_pending_invitations(call: Call) -> Any:
    org = call.state.orgs.get(_org(call))
    return call.state.org_invitations.listing(call.query, org=org, status="pending")


def list_all_invitations(call: Call) -> Any:
    return call.state.org_invitations.listing(call.query, public_org=True)


def get_invitation(call: Call) -> Any:
    invitations = call.state.org_invitations
    return invitations.render(invitations.get(_org(call), call.params["invitation_id"]))


def revoke_invitation(call: Call) -> Any:
    call.body().only(("requesting_user_id",))
    return call.state.org_invitations.revoke(_org(call), call.params["invitation_id"])


_ORG = "/organizations/{organization_id}"
ROUTES = [
    ("GET", "/organizations", list_orgs),
    ("POST", "/organizations", create_org),
    ("GET", _ORG, get_org),
    ("PATCH", _ORG, update_org),
    ("DELETE", _ORG, delete_org),
    ("PATCH", _ORG + "/metadata", merge_org_metadata),
    ("PUT", _ORG + "/metadata", replace_org_metadata),
    ("PUT", _ORG + "/logo", upload_logo),
    ("DELETE", _ORG + "/logo", delete_logo),
    ("POST", _ORG + "/memberships", create_membership),
    ("GET", _ORG + "/memberships", list_memberships),
    ("PATCH", _ORG + "/memberships/{user_id}", update_membership),
    ("DELETE", _ORG + "/memberships/{user_id}", delete_membership),
    ("PATCH", _ORG + "/memberships/{user_id}/metadata", merge_membership_metadata),
    ("GET", "/organization_memberships", list_all_memberships),
    ("POST", _ORG + "/invitations", create_invitation),
    ("GET", _ORG + "/invitations", list_invitations),
    ("POST", _ORG + "/invitations/bulk", create_invitations),
    ("GET", _ORG + "/invitations/pending", list_pending_invitations),
    ("GET", _ORG + "/invitations/{invitation_id}", get_invitation),
    ("POST", _ORG + "/invitations/{invitation_id}/revoke", revoke_invitation),
    ("GET", "/organization_invitations", list_all_invitations),
]
