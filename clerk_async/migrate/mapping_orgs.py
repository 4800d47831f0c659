"""Mapping organizations and memberships (pure, offline), as :mod:`.mapping` maps users.

Organizations:

- ``name`` is required, at most 256 characters, and holds no URL or HTML (Clerk's docs: "May not
  contain URLs or HTML"; the exact rule is not documented, so a scheme (``://``) or a tag is what
  is refused here);
- ``slug`` is lowercase letters and digits in words joined by single dashes; without one, it is
  made from the name as Clerk makes it (``"Acme, Inc."`` -> ``acme-inc``), so that every
  organization is sent with the slug it is found again by;
- ``max_allowed_memberships`` is a whole number (``0``: no limit); ``created_at`` RFC 3339 UTC;
- each metadata object is a JSON object of at most 8 KB, the private one once it holds the
  organization's source id under ``"clerk_migrate"`` (what tells this import's organization from
  another one with the same slug);
- domains are host names, not a common or disposable email provider's (Clerk refuses those);
- the request is converted into ``CreateOrganizationRequest``, so an unknown field is refused.

Memberships need a role key (``org:`` then lowercase letters, digits and underscores) and
metadata objects as above. That the user and the organization are in the input is the
journal's check, when it admits the membership.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from clerk_async._identifiers import (
    BLOCKED_DOMAINS,
    COMMON_DOMAINS,
    DOMAIN_NAME,
    ORGANIZATION_SLUG,
    ROLE_KEY,
)
from clerk_async.migrate.mapping_rules import Invalid, metadata_object, request_of, rfc3339
from clerk_async.migrate.records import (
    ORGANIZATION_MARKER,
    Domain,
    InvalidRecord,
    MappedMembership,
    MappedOrganization,
    MembershipDraft,
    OrganizationDraft,
    SourceRecord,
    membership_key,
)
from clerk_async.models import CreateOrganizationRequest

__all__ = ["MAX_NAME_LENGTH", "map_org_record", "slug_of"]

#: Clerk's limit on an organization's name.
MAX_NAME_LENGTH = 256
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


def map_org_record(record: SourceRecord) -> MappedOrganization | MappedMembership | InvalidRecord:
    """What imports an organization or a membership record, or why Clerk would refuse it."""
    draft = record.draft
    try:
        if isinstance(draft, OrganizationDraft):
            return _organization(record, draft)
        if isinstance(draft, MembershipDraft):
            return _membership(record, draft)
    except Invalid as problem:
        return InvalidRecord(
            record=record,
            external_id=_journal_id(record),
            code=problem.code,
            field=problem.field,
            reason=problem.reason,
        )
    raise TypeError(f"not an organization or a membership record: {type(draft).__name__}")


def _journal_id(record: SourceRecord) -> str:
    draft = record.draft
    if isinstance(draft, MembershipDraft):
        return membership_key(draft.organization, draft.user)
    return record.source_id


def slug_of(name: str) -> str:
    """The slug Clerk makes of a name: ASCII letters and digits, the rest as single dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")


def _organization(record: SourceRecord, draft: OrganizationDraft) -> MappedOrganization:
    name = _name(draft.name)
    slug = draft.slug
    if slug is None:
        slug = slug_of(name)
        if not slug:
            raise Invalid(
                "invalid_slug", "slug", f"no slug, and the name {name!r} makes none: give a slug"
            )
    elif not ORGANIZATION_SLUG.match(slug):
        raise Invalid(
            "invalid_slug",
            "slug",
            f"{slug!r} is not a Clerk slug (lowercase letters and digits, words joined by '-')",
        )
    limit = _member_limit(draft.max_allowed_memberships)
    body: dict[str, Any] = {"name": name, "slug": slug}
    if limit is not None:
        body["max_allowed_memberships"] = limit
    if draft.created_at is not None:
        body["created_at"] = rfc3339(draft.created_at)
    if draft.public_metadata is not None:
        body["public_metadata"] = metadata_object("public_metadata", draft.public_metadata)
    private = {} if draft.private_metadata is None else draft.private_metadata
    if isinstance(private, dict):
        private = {**private, ORGANIZATION_MARKER: {"source_id": record.source_id}}
    body["private_metadata"] = metadata_object("private_metadata", private)
    for key, value in draft.extra.items():
        if key == "created_by":
            raise Invalid("invalid_field", key, "created_by names a user of the input")
        body.setdefault(key, value)
    return MappedOrganization(
        record=record,
        source_id=record.source_id,
        request=request_of(body, CreateOrganizationRequest),
        slug=slug,
        creator=draft.created_by,
        domains=_domains(draft.domains),
        member_limit=limit,
        notes=draft.notes,
    )


def _name(name: str | None) -> str:
    if name is None or not name.strip():
        raise Invalid("invalid_name", "name", "the organization has no name")
    if len(name) > MAX_NAME_LENGTH:
        raise Invalid(
            "invalid_name",
            "name",
            f"the name is {len(name)} characters long; Clerk takes at most {MAX_NAME_LENGTH}",
        )
    if "://" in name or _TAG.search(name):
        raise Invalid("invalid_name", "name", f"{name!r} holds a URL or HTML, which Clerk refuses")
    return name


def _member_limit(value: object) -> int | None:
    if value is None:
        return None
    number: object = value
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise Invalid(
            "invalid_field",
            "max_allowed_memberships",
            f"{value!r} is not a number of members (0 for no limit)",
        )
    return number


def _domains(domains: tuple[Domain, ...]) -> tuple[Domain, ...]:
    found: dict[str, Domain] = {}
    for domain in domains:
        name = domain.name.strip().lower()
        if not DOMAIN_NAME.match(name):
            raise Invalid("invalid_domain", "domains", f"{domain.name!r} is not a domain name")
        if name in COMMON_DOMAINS or name in BLOCKED_DOMAINS:
            raise Invalid(
                "invalid_domain",
                "domains",
                f"{name} is an email provider's domain, which Clerk gives no organization",
            )
        found.setdefault(name, Domain(name=name, enrollment_mode=domain.enrollment_mode,
                                      verified=domain.verified))  # fmt: skip
    return tuple(found.values())


_NOT_A_ROLE_KEY = "is not a Clerk role key ('org:' then lowercase letters, digits and '_')"


def _membership(record: SourceRecord, draft: MembershipDraft) -> MappedMembership:
    role = draft.role
    if role is None or not role.strip():
        raise Invalid("invalid_role", "role", "the membership has no role")
    if not ROLE_KEY.match(role):
        raise Invalid("invalid_role", "role", f"{role!r} {_NOT_A_ROLE_KEY}")
    for key in draft.extra:
        raise Invalid("invalid_field", key, f"a membership has no field {key!r}")
    metadata = {
        name: metadata_object(name, value)
        for name, value in (
            ("public_metadata", draft.public_metadata),
            ("private_metadata", draft.private_metadata),
        )
        if value is not None
    }
    return MappedMembership(
        record=record,
        user=draft.user,
        organization=draft.organization,
        role=role,
        public_metadata=metadata.get("public_metadata"),
        private_metadata=metadata.get("private_metadata"),
        notes=draft.notes,
    )
