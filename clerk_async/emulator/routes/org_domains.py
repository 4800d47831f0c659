"""Handlers for organization domains."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.routing import Call

__all__ = ["ROUTES"]


def _org(call: Call) -> str:
    return call.params["organization_id"]


def create_domain(call: Call) -> Any:
    return call.state.org_domains.create(_org(call), call.body())


def list_domains(call: Call) -> Any:
    return call.state.org_domains.listing(call.query, _org(call))


def update_domain(call: Call) -> Any:
    return call.state.org_domains.update(_org(call), call.params["domain_id"], call.body())


def delete_domain(call: Call) -> Any:
    return call.state.org_domains.delete(_org(call), call.params["domain_id"])


def verify_ownership(call: Call) -> Any:
    return call.state.org_domains.verify_ownership(_org(call), call.params["domain_id"])


def list_all_domains(call: Call) -> Any:
    return call.state.org_domains.listing(call.query)


_DOMAIN = "/organizations/{organization_id}/domains/{domain_id}"
ROUTES = [
    ("POST", "/organizations/{organization_id}/domains", create_domain),
    ("GET", "/organizations/{organization_id}/domains", list_domains),
    ("PATCH", _DOMAIN, update_domain),
    ("DELETE", _DOMAIN, delete_domain),
    ("POST", _DOMAIN + "/verify_ownership", verify_ownership),
    ("GET", "/organization_domains", list_all_domains),
]
