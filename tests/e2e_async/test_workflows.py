"""Every modelled group of the generated client against the local Clerk emulator."""

from __future__ import annotations

import pytest

from clerk_async import Clerk, NotFoundError, UnprocessableEntityError


async def test_users(clerk: Clerk) -> None:
    user = await clerk.users.create(
        email_address=["ada@example.com"],
        phone_number=["+15555550100"],
        username="ada_l",
        password="correct horse battery",
        public_metadata={"plan": "free"},
    )
    assert user.email_addresses[0].email_address == "ada@example.com"
    assert user.email_addresses[0].verification is not None
    assert user.password_enabled

    with pytest.raises(UnprocessableEntityError) as caught:
        await clerk.users.create(email_address=["ADA@example.com"])
    assert caught.value.code == "form_identifier_exists"
    assert caught.value.errors[0].meta == {"param_name": "email_address"}

    assert (await clerk.users.get(user.id)).username == "ada_l"
    updated = await clerk.users.update(user.id, first_name="Ada", last_name="Lovelace")
    assert (updated.first_name, updated.last_name) == ("Ada", "Lovelace")
    merged = await clerk.users.update_metadata(
        user.id, public_metadata={"plan": None, "x": {"y": 1}}
    )
    assert merged.public_metadata == {"x": {"y": 1}}
    replaced = await clerk.users.replace_metadata(user.id, private_metadata={"p": 1})
    assert replaced.private_metadata == {"p": 1}
    assert (await clerk.users.verify_password(user.id, password="correct horse battery")).verified
    assert (await clerk.users.ban(user.id)).banned
    assert not (await clerk.users.unban(user.id)).banned
    assert (await clerk.users.lock(user.id)).locked
    assert not (await clerk.users.unlock(user.id)).locked
    assert [u.banned for u in await clerk.users.bulk_ban(user_ids=[user.id])] == [True]
    assert [u.banned for u in await clerk.users.bulk_unban(user_ids=[user.id])] == [False]
    image = await clerk.users.set_profile_image(
        user.id, file={"file_name": "me.png", "content": b"\x89PNG", "content_type": "image/png"}
    )
    assert image.has_image
    assert not (await clerk.users.delete_profile_image(user.id)).has_image
    assert not (await clerk.users.remove_password(user.id)).password_enabled

    page = await clerk.users.list(email_address=["ada@example.com"], order_by="-created_at")
    assert [u.id for u in page] == [user.id]
    assert (await clerk.users.count(query="lovelace")).total_count == 1
    deleted = await clerk.users.delete(user.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (user.id, True, "user")
    with pytest.raises(NotFoundError) as missing:
        await clerk.users.get(user.id)
    assert missing.value.code == "resource_not_found"


async def test_paginate_walks_by_cursor_and_offset(clerk: Clerk) -> None:
    ids = [(await clerk.users.create(username=f"walker_{i:02d}")).id for i in range(23)]

    by_cursor = [u.id async for u in clerk.paginate(clerk.users.list, page_size=5)]
    by_offset = [
        u.id async for u in clerk.paginate(clerk.users.list, page_size=5, order_by="username")
    ]

    assert by_cursor == list(reversed(ids))
    assert by_offset == ids


async def test_email_addresses_and_phone_numbers(clerk: Clerk) -> None:
    user = await clerk.users.create(email_address=["main@example.com"])

    email = await clerk.email_addresses.create(
        user_id=user.id, email_address="other@example.com", verified=True, primary=True
    )
    assert email.id is not None
    assert (await clerk.email_addresses.get(email.id)).email_address == "other@example.com"
    assert (await clerk.users.get(user.id)).primary_email_address_id == email.id
    assert (await clerk.email_addresses.update(email.id, verified=False)).verification is None
    assert (await clerk.email_addresses.delete(email.id)).deleted

    phone = await clerk.phone_numbers.create(user_id=user.id, phone_number="+15555550199")
    assert phone.id is not None
    assert (await clerk.phone_numbers.get(phone.id)).phone_number == "+15555550199"
    assert (await clerk.phone_numbers.update(phone.id, verified=True)).verification is not None
    assert (await clerk.phone_numbers.delete(phone.id)).deleted


async def test_organizations_memberships_and_invitations(clerk: Clerk) -> None:
    owner = await clerk.users.create(email_address=["owner@example.com"], first_name="Olga")
    member = await clerk.users.create(email_address=["member@example.com"])
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)

    assert (await clerk.organizations.get(org.slug)).id == org.id
    listed = await clerk.organizations.list(query="acm", include_members_count=True)
    assert [(o.id, o.members_count) for o in listed] == [(org.id, 1)]
    assert listed.total_count == 1
    assert (await clerk.organizations.update(org.id, name="Acme 2")).name == "Acme 2"
    merged = await clerk.organizations.merge_metadata(org.id, public_metadata={"a": 1})
    assert merged.public_metadata == {"a": 1}
    logo = await clerk.organizations.upload_logo(org.id, file=b"GIF89a")
    assert logo.has_image
    assert not (await clerk.organizations.delete_logo(org.id)).has_image

    membership = await clerk.organization_memberships.create(
        org.id, user_id=member.id, role="org:member"
    )
    assert membership.organization.id == org.id
    assert membership.public_user_data is not None
    assert membership.public_user_data.identifier == "member@example.com"
    members = await clerk.organization_memberships.list(org.id, order_by="email_address")
    assert [m.public_user_data.user_id for m in members if m.public_user_data] == [
        member.id,
        owner.id,
    ]
    promoted = await clerk.organization_memberships.update(org.id, member.id, role="org:admin")
    assert promoted.role == "org:admin"
    meta = await clerk.organization_memberships.update_metadata(
        org.id, member.id, public_metadata={"team": "red"}
    )
    assert meta.public_metadata == {"team": "red"}
    mine = await clerk.users.get_organization_memberships(member.id)
    assert [m.organization.id for m in mine] == [org.id]
    everyone = await clerk.users.get_instance_organization_memberships()
    assert everyone.total_count == 2
    assert (await clerk.organization_memberships.delete(org.id, member.id)).role == "org:admin"

    invitation = await clerk.organization_invitations.create(
        org.id, email_address="new@example.com", role="org:member", inviter_user_id=owner.id
    )
    assert invitation.public_inviter_data is not None
    bulk = await clerk.organization_invitations.create_bulk(
        org.id,
        request_body=[
            {"email_address": "b1@example.com", "role": "org:member"},
            {"email_address": "b2@example.com", "role": "org:member"},
        ],
    )
    assert bulk.total_count == 2
    assert (await clerk.organization_invitations.get(org.id, invitation.id)).id == invitation.id
    assert len(await clerk.organization_invitations.list(org.id, status="pending")) == 3
    with pytest.warns(DeprecationWarning):
        assert len(await clerk.organization_invitations.list_pending(org.id)) == 3
    revoked = await clerk.organization_invitations.revoke(org.id, invitation.id)
    assert revoked.status == "revoked"
    everything = await clerk.organization_invitations.get_all(status="revoked")
    assert [i.id for i in everything] == [invitation.id]

    deleted = await clerk.organizations.delete(org.id)
    assert (deleted.id, deleted.deleted) == (org.id, True)


async def test_instance_lists_and_templates(clerk: Clerk) -> None:
    invitation = await clerk.invitations.create(email_address="guest@example.com")
    more = await clerk.invitations.bulk_create(request_body=[{"email_address": "g2@example.com"}])
    assert len(more) == 1
    assert len(await clerk.invitations.list(status="pending")) == 2
    assert (await clerk.invitations.revoke(invitation.id)).revoked

    allowed = await clerk.allowlist_identifiers.create(identifier="ok@example.com")
    assert allowed.id is not None
    assert [a.id for a in await clerk.allowlist_identifiers.list()] == [allowed.id]
    assert (await clerk.allowlist_identifiers.delete(allowed.id)).deleted
    blocked = await clerk.blocklist_identifiers.create(identifier="bad@example.com")
    assert blocked.id is not None
    blocklist = await clerk.blocklist_identifiers.list()
    assert [b.id for b in blocklist.data] == [blocked.id]
    assert (await clerk.blocklist_identifiers.delete(blocked.id)).deleted

    url = await clerk.redirect_urls.create(url="https://example.com/callback")
    assert (await clerk.redirect_urls.get(url.id)).url == "https://example.com/callback"
    assert len(await clerk.redirect_urls.list()) == 1
    assert (await clerk.redirect_urls.delete(url.id)).deleted

    template = await clerk.jwt_templates.create(name="grafana", claims={"uid": "{{user.id}}"})
    assert (await clerk.jwt_templates.get(template.id)).lifetime == 60
    changed = await clerk.jwt_templates.update(template.id, name="grafana", claims={}, lifetime=120)
    assert changed.lifetime == 120
    assert [t.name for t in await clerk.jwt_templates.list()] == ["grafana"]
    assert (await clerk.jwt_templates.delete(template.id)).deleted


async def test_sessions_and_tokens(clerk: Clerk) -> None:
    user = await clerk.users.create(email_address=["s@example.com"])
    session = await clerk.sessions.create(user_id=user.id)
    await clerk.jwt_templates.create(
        name="short", claims={"email": "{{user.primary_email_address}}"}
    )

    assert (await clerk.sessions.get(session.id)).status == "active"
    assert [s.id for s in await clerk.sessions.list(user_id=user.id)] == [session.id]
    token = await clerk.sessions.create_token(session.id, expires_in_seconds=60)
    assert token.jwt is not None and token.jwt.count(".") == 2
    templated = await clerk.sessions.create_token_from_template(session.id, "short")
    assert templated.jwt is not None
    jwks = await clerk.jwks.get()
    assert jwks.keys is not None and jwks.keys[0].kty == "RSA"
    assert (await clerk.sessions.revoke(session.id)).status == "revoked"

    sign_in = await clerk.sign_in_tokens.create(user_id=user.id)
    assert sign_in.status == "pending"
    assert (await clerk.sign_in_tokens.revoke(sign_in.id)).status == "revoked"
    testing = await clerk.testing_tokens.create()
    assert testing.token
