"""Everything the generator decides by hand: names, aliases, spec patches. Data only.

Names come from the spec (``x-speakeasy-group`` / ``x-speakeasy-name-override``, else the tag and
the ``operationId``), snake_cased; this file overrides them where the seed SDK's names differ, and
the spec's own name then stays available as an alias of the same object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: The spec files, relative to the project root: the main spec, then older ones that lend
#: operations removed from the newer version.
DEFAULT_SPECS = (
    "../shared/clerk-openapi/bapi-2026-05-12.yml",
    "../shared/clerk-openapi/bapi-2024-10-01.yml",
)

#: Operations taken from an older spec (index into the spec list, verb, path); their ``$ref``s are
#: resolved against the main spec.
EXTRA_OPERATIONS: tuple[tuple[int, str, str], ...] = ((1, "post", "/sessions/{session_id}/verify"),)


@dataclass(frozen=True)
class Patch:
    """RFC 6902 operations (``test``/``add``/``remove``/``replace``) on the main spec."""

    reason: str
    ops: tuple[dict[str, Any], ...]


def _not_required(schema: str, index: int, name: str) -> tuple[dict[str, Any], ...]:
    """Drop ``name`` (at ``index``) from a component schema's ``required`` list."""
    path = f"/components/schemas/{schema}/required/{index}"
    return ({"op": "test", "path": path, "value": name}, {"op": "remove", "path": path})


#: The one table of spec fixes. A patch whose ``test`` fails stops the generator, so a fix that the
#: spec no longer needs (or that no longer fits) is noticed instead of silently misapplied.
PATCHES: tuple[Patch, ...] = (
    Patch(
        reason="RSA keys have no curve: 'crv' is listed as required but is not a property",
        ops=_not_required("JWKS.rsa.PrivateKey", 4, "crv"),
    ),
    Patch(
        reason="'authenticatable' and 'disable_jit_provisioning' are required but not declared as "
        "properties (their type is unknown): let them pass as unknown fields instead of failing",
        ops=(
            *_not_required("SAMLConnection", 22, "disable_jit_provisioning"),
            *_not_required("SAMLConnection", 19, "authenticatable"),
            *_not_required("EnterpriseConnection", 7, "disable_jit_provisioning"),
            *_not_required("EnterpriseConnection", 6, "authenticatable"),
        ),
    ),
    Patch(
        reason="an upload without a file is meaningless, and the two other uploads (organization "
        "and OAuth application logos) declare 'file' required",
        ops=(
            {
                "op": "add",
                "path": "/paths/~1users~1{user_id}~1profile_image/post/requestBody/content"
                "/multipart~1form-data/schema/required",
                "value": ["file"],
            },
        ),
    ),
)

#: Spec group (snake_case) -> the seed's group. The spec's name stays as an alias of the group.
GROUP_NAMES = {
    "miscellaneous": "misc",
    "email_sms_templates": "templates",
    "email_and_sms_templates": "templates",
    "oauth_applications": "o_auth_applications",
}

#: operationId -> (group, method) where the seed names it differently. The spec's (group, method)
#: stays as an alias of the same function.
METHOD_NAMES = {
    "GetJWKS": ("jwks", "get"),
    "ToggleTemplateDelivery": ("templates", "toggle_delivery"),
    "CreateOrganizationInvitationBulk": ("organization_invitations", "create_bulk"),
    "UpdateInstanceAuthConfig": ("beta_features", "update_instance_auth_config"),
    "ChangeProductionInstanceDomain": ("beta_features", "change_production_instance_domain"),
}

#: (operationId, wire name) -> Python name, where snake_casing the wire name is not enough.
PARAM_NAMES = {
    # ``frontendApi`` (deprecated) and ``frontend_api`` would both become ``frontend_api``; the
    # seed's ``frontend_api`` is the current one, the deprecated one keeps the official SDK's name.
    ("GetPublicInterstitial", "frontendApi"): "frontend_api_query_parameter",
}

#: (operationId, Python name) -> other keyword names accepted for the same argument (the official
#: SDK's spelling where it differs from the seed's).
ARGUMENT_ALIASES = {
    ("GetPublicInterstitial", "frontend_api"): ("frontend_api_query_parameter1",),
}

#: Names the official SDK suffixes with ``_`` (they shadow builtins); an optional argument with one
#: of these names also accepts the suffixed spelling.
SUFFIXED_BUILTINS = ("type", "format")

#: Names of generated Structs for schemas the spec does not name (the default is the operation's
#: or the parent's name plus the property's), keyed by that default name.
STRUCT_NAMES = {
    "CreateApiKeyResponse": "APIKeyWithSecret",
    "GetApiKeysResponseDataItem": "APIKey",
    "GetApiKeySecretResponse": "APIKeySecret",
    "DeleteApiKeyResponse": "APIKeyDeleted",
    "CreateM2MTokenResponse": "M2MTokenWithSecret",
    "GetM2MTokensResponseM2mTokensItem": "M2MToken",
    "CreateAdminPortalLinkTokenResponse": "AdminPortalLinkTokenWithSecret",
    "RevokeAdminPortalLinkTokenResponse": "AdminPortalLinkToken",
    "VerifyOAuthAccessTokenResponse": "OAuthAccessTokenVerification",
    "CreateSessionTokenResponse": "SessionToken",
    "DisableMFAResponse": "UserIdResponse",
    "JWKSKeysItem": "JWKSKey",
}

#: Error schemas are not generated: they are the exceptions' data in ``clerk_async.errors``.
ERROR_SCHEMAS = {"ClerkError": "ErrorDetail", "ClerkErrors": None}


@dataclass(frozen=True)
class Cursor:
    """A list operation that also pages by cursor (see ``clerk_async._operation.CursorRule``)."""

    param: str
    order_param: str
    orders: tuple[str, ...]


#: Cursor pagination: ``starting_after`` combines only with the created_at orderings (the default).
CURSORS = {
    "GetUserList": Cursor(
        param="starting_after",
        order_param="order_by",
        orders=("created_at", "+created_at", "-created_at"),
    ),
}

#: Tag -> models module, where snake_casing the tag is not what we want.
TAG_MODULES: dict[str, str] = {}

#: The module of Structs shared by several tags.
COMMON_MODULE = "common"

#: Names the per-call options take; a spec parameter with one of these names is an error.
CALL_OPTIONS = ("retries", "timeout_ms", "server_url", "http_headers")


#: The webhook events spec, relative to the project root (rendered by ``render_webhooks``).
WEBHOOK_SPEC = "../shared/clerk-openapi/webhooks-2025-04-15.yml"

#: Fixes of the webhook spec, as ``PATCHES`` are of the main one. None is needed for fields the
#: spec requires but Clerk leaves out: a signed event is never refused for its shape, so every
#: field of a webhook model may be absent (see ``render_webhooks``).
WEBHOOK_PATCHES: tuple[Patch, ...] = ()

#: Names of the webhook spec's unnamed event data Structs (the default is the event type plus
#: ``Data``), keyed by that default name.
WEBHOOK_STRUCT_NAMES = {
    "OrganizationInvitationCreatedData": "OrganizationInvitationEventPayload",
}


#: Credentials: the wire names of fields that hold one in any model (passwords, secrets, tokens,
#: keys, session cookies). Their models' ``repr`` shows ``<redacted>``; they are still sent.
SECRET_NAMES = frozenset(
    {
        "password",
        "password_digest",
        "totp_secret",
        "backup_codes",
        "secret",
        "client_secret",
        "secret_key",
        "token_secret",
        "api_key",
        "signing_key",
        "token",
        "jwt",
        "access_token",
        "id_token",
        "refresh_token",
        "expired_token",
        "cookies",
    }
)

#: Credentials under names too common to hide in every model: (Struct, wire name).
SECRET_FIELDS = frozenset(
    {
        # The private parts of a JSON Web Key.
        *(("JWKSKey", name) for name in ("d", "p", "q", "dp", "dq", "qi", "k")),
        *(("JWKSRsaPrivateKey", name) for name in ("d", "p", "q", "dp", "dq", "qi")),
        ("JWKSEcdsaPrivateKey", "d"),
        ("JWKSEd25519PrivateKey", "d"),
        ("JWKSSymmetricKey", "k"),
        # One-time codes being verified.
        ("VerifyTOTPRequest", "code"),
        ("AttemptEmailAddressVerificationRequest", "code"),
        ("AttemptPhoneNumberVerificationRequest", "code"),
        # Links whose ticket signs someone in, accepts an invitation or opens the Svix portal.
        ("ActorToken", "url"),
        ("SignInToken", "url"),
        ("AgentTask", "url"),
        ("SvixURL", "svix_url"),
        ("Invitation", "url"),
        ("InvitationRevoked", "url"),
        ("OrganizationInvitation", "url"),
        ("OrganizationInvitationWithPublicOrganizationData", "url"),
        ("OrganizationInvitationAcceptedPayload", "url"),
        ("OrganizationInvitationEventPayload", "url"),
        # The end user's request headers (cookies, Authorization), passed on to Clerk.
        ("RefreshSessionRequest", "request_headers"),
        # An identity provider's signed assertion, from an SSO test run.
        ("EnterpriseConnectionTestRunSaml", "saml_response"),
        # The emails and SMS Clerk asks you to deliver: verification codes and sign-in links.
        ("EmailEventPayload", "body"),
        ("EmailEventPayload", "body_plain"),
        ("EmailEventPayload", "data"),
        ("SmsEventPayload", "message"),
        ("SmsEventPayload", "data"),
    }
)

#: Wire names that look like credentials (``SECRET_LOOKALIKE``) and hold none, each reviewed:
#: flags, settings, durations, formats, endpoints, and lists of models that hide their own.
NOT_SECRET_NAMES = frozenset(
    {
        "backup_code_enabled",
        "cookieless_dev",
        "custom_signing_key",
        "default_token_ttl",
        "m2m_tokens",
        "oauth_jwt_access_tokens",
        "password_enabled",
        "password_hasher",
        "password_last_updated_at",
        "preferred_sign_in_strategy_when_password_required",
        "previous_token_ttl",
        "skip_password_checks",
        "skip_password_requirement",
        "token_fetch_url",
        "token_format",
        "token_introspection_url",
        "token_url",
    }
)

#: What a credential's name tends to contain: every field matching it must be in one of the
#: three sets above (the generator stops otherwise).
SECRET_LOOKALIKE = re.compile(
    r"password|secret|token|digest|backup_code|private_key|signing_key|api_key|cookie|jwt"
)


@dataclass(frozen=True)
class Config:
    """The generator's inputs besides the spec, bundled so tests can vary them."""

    patches: tuple[Patch, ...] = PATCHES
    group_names: dict[str, str] = field(default_factory=lambda: dict(GROUP_NAMES))
    method_names: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(METHOD_NAMES))
    param_names: dict[tuple[str, str], str] = field(default_factory=lambda: dict(PARAM_NAMES))
    argument_aliases: dict[tuple[str, str], tuple[str, ...]] = field(
        default_factory=lambda: dict(ARGUMENT_ALIASES)
    )
    struct_names: dict[str, str] = field(default_factory=lambda: dict(STRUCT_NAMES))
    cursors: dict[str, Cursor] = field(default_factory=lambda: dict(CURSORS))
    extra_operations: tuple[tuple[int, str, str], ...] = EXTRA_OPERATIONS
    webhook_spec: str = WEBHOOK_SPEC
    webhook_patches: tuple[Patch, ...] = WEBHOOK_PATCHES
    webhook_struct_names: dict[str, str] = field(default_factory=lambda: dict(WEBHOOK_STRUCT_NAMES))
    secret_names: frozenset[str] = SECRET_NAMES
    secret_fields: frozenset[tuple[str, str]] = SECRET_FIELDS
    not_secret_names: frozenset[str] = NOT_SECRET_NAMES
