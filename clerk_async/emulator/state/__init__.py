"""The emulator's in-memory state: one store per resource family, wired together."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.clock import Clock
from clerk_async.emulator.tokens import SigningKey

from .api_keys import APIKeyStore
from .billing import Billing
from .instance import IdentifierList, InvitationStore, RedirectURLStore
from .jwt_templates import JWTTemplateStore
from .m2m_tokens import M2MTokenStore
from .machines import MachineStore
from .oauth_tokens import OAuthTokenStore
from .org_domains import OrgDomains
from .org_invitations import OrgInvitationStore
from .org_roles import OrgRoles
from .org_settings import OrgSettings
from .orgs import OrgStore
from .role_sets import RoleSets
from .sessions import SessionStore
from .users import UserStore

__all__ = ["State"]


class State:
    """Everything an instance holds. ``reset`` on the emulator replaces it with a fresh one."""

    def __init__(
        self,
        *,
        key: SigningKey,
        issuer: str,
        frontend: str,
        instance_id: str,
        clock: Clock | None = None,
    ) -> None:
        self.instance_id = instance_id
        #: The emulator's clock: machine tokens expire by it (see :mod:`..clock`).
        self.clock = clock or Clock()
        #: ``production`` for an ``sk_live_`` key, else ``development`` (set by the emulator).
        self.environment_type = "development"
        self.frontend = frontend
        self.users = UserStore()
        self.billing = Billing(instance_id)
        self.org_settings = OrgSettings()
        self.org_roles = OrgRoles(self.billing)
        self.role_sets = RoleSets(self.org_roles)
        self.orgs = OrgStore(self.users, self.org_roles, self.role_sets, self.org_settings)
        self.org_invitations = OrgInvitationStore(self.orgs)
        self.org_domains = OrgDomains(self.orgs, self.org_settings)
        self.invitations = InvitationStore(self.users, frontend)
        self.allowlist = IdentifierList("allowlist", instance_id)
        self.blocklist = IdentifierList("blocklist", instance_id)
        self.redirect_urls = RedirectURLStore()
        self.jwt_templates = JWTTemplateStore()
        self.sessions = SessionStore(
            self.users, self.orgs, self.jwt_templates, key, issuer, self.billing
        )
        self.machines = MachineStore(self.clock, instance_id)
        self.api_keys = APIKeyStore(self.clock, self.users, self.orgs, self.machines)
        self.m2m_tokens = M2MTokenStore(self.clock, self.machines, key, issuer)
        self.oauth_tokens = OAuthTokenStore(self.clock, self.users)

    def delete_user(self, user_id: str) -> dict[str, Any]:
        deleted = self.users.delete(user_id)
        self.orgs.remove_user(user_id)
        self.sessions.remove_user(user_id)
        self.billing.remove_payer(user_id)
        return deleted

    def delete_org(self, id_or_slug: str) -> dict[str, Any]:
        deleted = self.orgs.delete(id_or_slug)
        self.org_invitations.remove_org(str(deleted["id"]))
        self.org_domains.remove_org(str(deleted["id"]))
        self.billing.remove_payer(str(deleted["id"]))
        return deleted
