"""The instance's organization settings (``GET``/``PATCH /instance/organization_settings``).

The defaults are the ones Clerk documents: 5 members per organization (``0`` means no limit), 10
custom roles per instance, 10 domains per organization. A new organization takes the membership
limit and the delete setting in force when it is created; changing them later leaves existing
organizations alone, as in Clerk.
"""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.errors import param_value_invalid
from clerk_async.emulator.params import Body

__all__ = ["ENROLLMENT_MODES", "OrgSettings"]

DEFAULT_MAX_MEMBERSHIPS = 5
MAX_CUSTOM_ROLES = 10
MAX_DOMAINS = 10
MAX_ROLE_SETS = 10
#: Every enrollment mode an organization domain can have.
ENROLLMENT_MODES = (
    "manual_invitation",
    "automatic_invitation",
    "automatic_suggestion",
    "enterprise_sso",
)
#: The modes the instance settings switch on and off (the others are always there).
_SWITCHED_MODES = ("manual_invitation", "automatic_invitation", "automatic_suggestion")
FIELDS = frozenset(
    {"enabled", "max_allowed_memberships", "admin_delete_enabled", "domains_enabled",
     "slug_disabled", "domains_enrollment_modes", "creator_role_id", "domains_default_role_id"}
)  # fmt: skip


class OrgSettings:
    """Plain values; the creator role lives on the initial role set, so it is passed in."""

    def __init__(self) -> None:
        self.enabled = True
        self.max_allowed_memberships = DEFAULT_MAX_MEMBERSHIPS
        self.max_allowed_roles = MAX_CUSTOM_ROLES
        self.max_allowed_domains = MAX_DOMAINS
        self.admin_delete_enabled = True
        self.domains_enabled = True
        self.slug_disabled = False
        self.domains_enrollment_modes = list(_SWITCHED_MODES)
        self.domains_default_role = "org:member"

    def mode_enabled(self, mode: str) -> bool:
        return mode not in _SWITCHED_MODES or mode in self.domains_enrollment_modes

    def update(self, body: Body) -> None:
        """The plain fields of a PATCH; the role ids are resolved by the caller."""
        body.only(FIELDS)
        limit = body.integer("max_allowed_memberships", minimum=0)
        modes = (
            body.strings("domains_enrollment_modes")
            if body.has("domains_enrollment_modes")
            else None
        )
        for mode in modes or ():
            if mode not in _SWITCHED_MODES:
                raise param_value_invalid(
                    "domains_enrollment_modes",
                    f"{mode} is not one of {', '.join(_SWITCHED_MODES)}.",
                )
        for name in ("enabled", "admin_delete_enabled", "domains_enabled", "slug_disabled"):
            if body.data.get(name) is not None:
                setattr(self, name, body.flag(name))
        if limit is not None:
            self.max_allowed_memberships = limit
        if modes is not None:
            self.domains_enrollment_modes = list(dict.fromkeys(modes))

    def render(self, creator_role: str, initial_role_set_key: str | None) -> dict[str, Any]:
        return {
            "object": "organization_settings",
            "enabled": self.enabled,
            "max_allowed_memberships": self.max_allowed_memberships,
            "max_allowed_roles": self.max_allowed_roles,
            "max_allowed_domains": self.max_allowed_domains,
            "max_role_sets_allowed": MAX_ROLE_SETS,
            "creator_role": creator_role,
            "admin_delete_enabled": self.admin_delete_enabled,
            "domains_enabled": self.domains_enabled,
            "domains_enrollment_modes": list(self.domains_enrollment_modes),
            "domains_default_role": self.domains_default_role,
            "slug_disabled": self.slug_disabled,
            "initial_role_set_key": initial_role_set_key,
        }
