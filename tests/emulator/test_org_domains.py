"""Organization domains through the real client, with Clerk's rules."""

from __future__ import annotations

import pytest

from clerk_async import Clerk, NotFoundError, PermissionDeniedError, UnprocessableEntityError


async def test_create_update_verify_and_delete(clerk: Clerk) -> None:
    org = await clerk.organizations.create(name="Acme")

    domain = await clerk.organization_domains.create(org.id, name="Acme.COM")
    assert (domain.name, domain.organization_id, domain.enrollment_mode) == (
        "acme.com",
        org.id,
        "manual_invitation",
    )
    assert domain.affiliation_verification is not None
    assert domain.affiliation_verification.status == "verified"
    assert domain.ownership_verification is None
    assert domain.public_organization_data is not None
    assert domain.public_organization_data.slug == org.slug

    updated = await clerk.organization_domains.update(
        org.id, domain.id, enrollment_mode="automatic_invitation", verified=False
    )
    assert (updated.enrollment_mode, updated.affiliation_verification) == (
        "automatic_invitation",
        None,
    )
    owned = await clerk.organization_domains.verify_ownership(org.id, domain.id)
    assert owned.ownership_verification is not None
    assert (owned.ownership_verification.status, owned.ownership_verification.strategy) == (
        "verified",
        "manual_override",
    )
    again = await clerk.organization_domains.verify_ownership(org.id, domain.id)
    assert again.ownership_verification == owned.ownership_verification

    deleted = await clerk.organization_domains.delete(org.id, domain.id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("organization_domain", domain.id, True)
    with pytest.raises(NotFoundError):
        await clerk.organization_domains.delete(org.id, domain.id)


async def test_a_name_is_verified_for_one_organization_only(clerk: Clerk) -> None:
    acme = await clerk.organizations.create(name="Acme")
    rival = await clerk.organizations.create(name="Rival")
    await clerk.organization_domains.create(acme.id, name="acme.com")

    with pytest.raises(UnprocessableEntityError) as twice:
        await clerk.organization_domains.create(acme.id, name="acme.com", verified=False)
    with pytest.raises(UnprocessableEntityError) as verified_elsewhere:
        await clerk.organization_domains.create(rival.id, name="acme.com")
    claim = await clerk.organization_domains.create(rival.id, name="acme.com", verified=False)
    with pytest.raises(UnprocessableEntityError) as promoted:
        await clerk.organization_domains.update(rival.id, claim.id, verified=True)

    for refused in (twice, verified_elsewhere, promoted):
        assert refused.value.code == "organization_domain_already_exists"
        assert refused.value.errors[0].meta == {"param_name": "name"}


async def test_common_blocked_and_malformed_names_are_refused(clerk: Clerk) -> None:
    org = await clerk.organizations.create(name="Acme")
    for name, code in (
        ("gmail.com", "organization_domain_common"),
        ("mailinator.com", "organization_domain_blocked"),
        ("not a domain", "form_param_format_invalid"),
        ("localhost", "form_param_format_invalid"),
    ):
        with pytest.raises(UnprocessableEntityError) as refused:
            await clerk.organization_domains.create(org.id, name=name)
        assert refused.value.code == code, name


async def test_at_most_ten_domains_per_organization(clerk: Clerk) -> None:
    org = await clerk.organizations.create(name="Acme")
    for index in range(10):
        await clerk.organization_domains.create(org.id, name=f"acme{index}.com")
    with pytest.raises(PermissionDeniedError) as full:
        await clerk.organization_domains.create(org.id, name="acme10.com")
    assert full.value.code == "organization_domain_quota_exceeded"


async def test_enrollment_modes(clerk: Clerk) -> None:
    org = await clerk.organizations.create(name="Acme")
    with pytest.raises(UnprocessableEntityError) as unknown:
        await clerk.organization_domains.create(org.id, name="acme.com", enrollment_mode="magic")
    assert unknown.value.errors[0].meta == {"param_name": "enrollment_mode"}

    await clerk.instance_settings.update_organization_settings(
        domains_enrollment_modes=["automatic_invitation"]
    )
    with pytest.raises(PermissionDeniedError) as off:
        await clerk.organization_domains.create(
            org.id, name="acme.com", enrollment_mode="automatic_suggestion"
        )
    assert off.value.code == "organization_domain_enrollment_mode_not_enabled"
    sso = await clerk.organization_domains.create(
        org.id, name="sso.acme.com", enrollment_mode="enterprise_sso"
    )
    assert sso.enrollment_mode == "enterprise_sso"


async def test_listing_filters_and_order(clerk: Clerk) -> None:
    acme = await clerk.organizations.create(name="Acme")
    rival = await clerk.organizations.create(name="Rival")
    await clerk.organization_domains.create(acme.id, name="b-acme.com")
    await clerk.organization_domains.create(
        acme.id, name="a-acme.com", enrollment_mode="automatic_invitation", verified=False
    )
    await clerk.organization_domains.create(rival.id, name="rival.io")

    mine = await clerk.organization_domains.list(acme.id)
    unverified = await clerk.organization_domains.list(acme.id, verified="false")
    not_manual = await clerk.organization_domains.list(
        acme.id, enrollment_mode="-manual_invitation"
    )
    everything = await clerk.organization_domains.list_all(order_by="name")
    by_org = await clerk.organization_domains.list_all(query=rival.id)
    by_text = await clerk.organization_domains.list_all(query="ACME")
    by_names = await clerk.organization_domains.list_all(domains=["rival.io", "b-acme.com"])
    automatic = await clerk.organization_domains.list_all(
        enrollment_mode=["automatic_invitation", "-manual_invitation"]
    )

    assert [d.name for d in mine] == ["a-acme.com", "b-acme.com"]  # newest first
    assert [d.name for d in unverified] == [d.name for d in not_manual] == ["a-acme.com"]
    assert [d.name for d in everything] == ["a-acme.com", "b-acme.com", "rival.io"]
    assert [d.name for d in by_org] == ["rival.io"]
    assert {d.name for d in by_text} == {"a-acme.com", "b-acme.com"}
    assert {d.name for d in by_names} == {"rival.io", "b-acme.com"}
    assert [d.name for d in automatic] == ["a-acme.com"]
    with pytest.raises(UnprocessableEntityError):
        await clerk.organization_domains.list_all(query="  ")

    await clerk.organizations.delete(acme.id)
    assert [d.name for d in await clerk.organization_domains.list_all()] == ["rival.io"]
