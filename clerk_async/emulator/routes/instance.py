"""Handlers for the instance, invitations, allow/block lists, redirect URLs and JWT templates."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.routing import Call

__all__ = ["ROUTES"]


def get_instance(call: Call) -> Any:
    state = call.state
    return {
        "object": "instance",
        "id": state.instance_id,
        "environment_type": state.environment_type,
        "allowed_origins": None,
    }


def create_invitation(call: Call) -> Any:
    return call.state.invitations.create(call.body())


def create_invitations(call: Call) -> Any:
    return call.state.invitations.create_bulk(call.bodies())


def list_invitations(call: Call) -> Any:
    return call.state.invitations.listing(call.query)


def revoke_invitation(call: Call) -> Any:
    return call.state.invitations.revoke(call.params["invitation_id"])


def list_allowlist(call: Call) -> Any:
    return call.state.allowlist.listing(call.query)


def create_allowlist(call: Call) -> Any:
    return call.state.allowlist.create(call.body())


def delete_allowlist(call: Call) -> Any:
    return call.state.allowlist.delete(call.params["identifier_id"])


def list_blocklist(call: Call) -> Any:
    items = call.state.blocklist.listing(call.query)
    return {"data": items, "total_count": len(call.state.blocklist.items)}


def create_blocklist(call: Call) -> Any:
    return call.state.blocklist.create(call.body())


def delete_blocklist(call: Call) -> Any:
    return call.state.blocklist.delete(call.params["identifier_id"])


def list_redirect_urls(call: Call) -> Any:
    return call.state.redirect_urls.listing(call.query)


def create_redirect_url(call: Call) -> Any:
    return call.state.redirect_urls.create(call.body())


def get_redirect_url(call: Call) -> Any:
    return call.state.redirect_urls.get(call.params["id"])


def delete_redirect_url(call: Call) -> Any:
    return call.state.redirect_urls.delete(call.params["id"])


def list_jwt_templates(call: Call) -> Any:
    return call.state.jwt_templates.listing(call.query)


def create_jwt_template(call: Call) -> Any:
    return call.state.jwt_templates.create(call.body())


def get_jwt_template(call: Call) -> Any:
    return call.state.jwt_templates.get(call.params["template_id"]).data


def update_jwt_template(call: Call) -> Any:
    return call.state.jwt_templates.update(call.params["template_id"], call.body())


def delete_jwt_template(call: Call) -> Any:
    return call.state.jwt_templates.delete(call.params["template_id"])


ROUTES = [
    ("GET", "/instance", get_instance),
    ("POST", "/invitations", create_invitation),
    ("GET", "/invitations", list_invitations),
    ("POST", "/invitations/bulk", create_invitations),
    ("POST", "/invitations/{invitation_id}/revoke", revoke_invitation),
    ("GET", "/allowlist_identifiers", list_allowlist),
    ("POST", "/allowlist_identifiers", create_allowlist),
    ("DELETE", "/allowlist_identifiers/{identifier_id}", delete_allowlist),
    ("GET", "/blocklist_identifiers", list_blocklist),
    ("POST", "/blocklist_identifiers", create_blocklist),
    ("DELETE", "/blocklist_identifiers/{identifier_id}", delete_blocklist),
    ("GET", "/redirect_urls", list_redirect_urls),
    ("POST", "/redirect_urls", create_redirect_url),
    ("GET", "/redirect_urls/{id}", get_redirect_url),
    ("DELETE", "/redirect_urls/{id}", delete_redirect_url),
    ("GET", "/jwt_templates", list_jwt_templates),
    ("POST", "/jwt_templates", create_jwt_template),
    ("GET", "/jwt_templates/{template_id}", get_jwt_template),
    ("PATCH", "/jwt_templates/{template_id}", update_jwt_template),
    ("DELETE", "/jwt_templates/{template_id}", delete_jwt_template),
]
