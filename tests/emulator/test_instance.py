"""Invitations, allow-list and block-list identifiers, redirect URLs and JWT templates."""

from __future__ import annotations

from .support import Api


async def test_invitations(api: Api) -> None:
    await api.user(email_address=["member@example.com"])

    created = await api.post(
        "/invitations", {"email_address": "guest@example.com", "public_metadata": {"a": 1}}
    )
    assert created.status == 200
    invitation = created.body
    assert invitation["id"].startswith("inv_")
    assert (invitation["status"], invitation["revoked"]) == ("pending", False)
    assert "__clerk_ticket=" in invitation["url"]
    assert invitation["expires_at"] - invitation["created_at"] == 30 * 86_400_000

    pending = await api.post("/invitations", {"email_address": "guest@example.com"})
    existing = await api.post("/invitations", {"email_address": "member@example.com"})
    ignored = await api.post(
        "/invitations", {"email_address": "member@example.com", "ignore_existing": True}
    )
    missing = await api.post("/invitations", {})
    assert (pending.status, pending.code) == (422, "duplicate_record")
    assert (existing.status, existing.code) == (422, "form_identifier_exists")
    assert ignored.status == 200
    assert (missing.status, missing.code, missing.param) == (
        422,
        "form_param_missing",
        "email_address",
    )

    bulk = await api.post(
        "/invitations/bulk",
        [
            {"email_address": "one@example.com"},
            {"email_address": "two@example.com", "expires_in_days": 1},
        ],
    )
    assert [i["email_address"] for i in bulk.body] == ["one@example.com", "two@example.com"]
    too_many = await api.post(
        "/invitations/bulk", [{"email_address": f"{i}@e.io"} for i in range(11)]
    )
    assert too_many.status == 422

    revoked = await api.post(f"/invitations/{invitation['id']}/revoke")
    assert (revoked.body["status"], revoked.body["revoked"]) == ("revoked", True)
    assert (await api.post(f"/invitations/{invitation['id']}/revoke")).status == 400
    assert (await api.post("/invitations/inv_nope/revoke")).status == 404

    listed = await api.get("/invitations", order_by="email_address")
    only_pending = await api.get("/invitations", status="pending", query="two")
    paged = await api.get("/invitations", limit=1, offset=1, order_by="email_address")
    assert [i["email_address"] for i in listed.body] == [
        "guest@example.com",
        "member@example.com",
        "one@example.com",
        "two@example.com",
    ]
    assert [i["email_address"] for i in only_pending.body] == ["two@example.com"]
    assert [i["email_address"] for i in paged.body] == ["member@example.com"]


async def test_allowlist_and_blocklist(api: Api) -> None:
    email = await api.post("/allowlist_identifiers", {"identifier": "ok@example.com"})
    wildcard = await api.post("/allowlist_identifiers", {"identifier": "*@corp.example"})
    phone = await api.post(
        "/allowlist_identifiers", {"identifier": "+15555550123", "notify": False}
    )
    duplicate = await api.post("/allowlist_identifiers", {"identifier": "OK@example.com"})
    garbage = await api.post("/allowlist_identifiers", {"identifier": "not an identifier"})

    assert email.body["object"] == "allowlist_identifier"
    assert email.body["id"].startswith("alid_")
    assert (email.body["identifier_type"], phone.body["identifier_type"]) == (
        "email_address",
        "phone_number",
    )
    assert wildcard.status == 200
    assert (duplicate.status, duplicate.code) == (400, "duplicate_record")
    assert (garbage.status, garbage.param) == (422, "identifier")
    assert len((await api.get("/allowlist_identifiers")).body) == 3
    assert len((await api.get("/allowlist_identifiers", paginated=True, limit=2)).body) == 2

    deleted = await api.delete(f"/allowlist_identifiers/{email.body['id']}")
    assert deleted.body == {
        "object": "allowlist_identifier",
        "id": email.body["id"],
        "deleted": True,
    }
    assert (await api.delete(f"/allowlist_identifiers/{email.body['id']}")).status == 404

    blocked = await api.post("/blocklist_identifiers", {"identifier": "spam@example.com"})
    assert blocked.body["id"].startswith("blid_")
    listing = await api.get("/blocklist_identifiers")
    assert listing.body["total_count"] == 1
    assert listing.body["data"][0]["identifier"] == "spam@example.com"
    notify = await api.post(
        "/blocklist_identifiers", {"identifier": "x@example.com", "notify": True}
    )
    assert (notify.status, notify.code) == (422, "form_param_unknown")
    assert (await api.delete(f"/blocklist_identifiers/{blocked.body['id']}")).body[
        "deleted"
    ] is True


async def test_redirect_urls(api: Api) -> None:
    created = await api.post("/redirect_urls", {"url": "myapp://callback"})
    duplicate = await api.post("/redirect_urls", {"url": "myapp://callback"})
    invalid = await api.post("/redirect_urls", {"url": "not a url"})

    assert created.body["object"] == "redirect_url"
    assert created.body["id"].startswith("ru_")
    assert duplicate.status == 400
    assert (invalid.status, invalid.param) == (422, "url")
    assert (await api.get(f"/redirect_urls/{created.body['id']}")).body == created.body
    assert [r["url"] for r in (await api.get("/redirect_urls")).body] == ["myapp://callback"]
    deleted = await api.delete(f"/redirect_urls/{created.body['id']}")
    assert deleted.body == {"object": "redirect_url", "id": created.body["id"], "deleted": True}
    assert (await api.get(f"/redirect_urls/{created.body['id']}")).status == 404


async def test_jwt_templates(api: Api) -> None:
    created = await api.post(
        "/jwt_templates",
        {"name": "supabase", "claims": {"email": "{{user.primary_email_address}}"}},
    )
    assert created.status == 200
    template = created.body
    assert template["id"].startswith("jtmp_")
    assert (template["lifetime"], template["allowed_clock_skew"]) == (60, 5)
    assert (template["signing_algorithm"], template["custom_signing_key"]) == ("RS256", False)

    taken = await api.post("/jwt_templates", {"name": "supabase", "claims": {}})
    no_claims = await api.post("/jwt_templates", {"name": "other"})
    short = await api.post("/jwt_templates", {"name": "short", "claims": {}, "lifetime": 5})
    no_key = await api.post(
        "/jwt_templates",
        {"name": "hs", "claims": {}, "custom_signing_key": True, "signing_algorithm": "HS256"},
    )
    assert (taken.status, taken.code, taken.param) == (422, "form_identifier_exists", "name")
    assert (no_claims.status, no_claims.param) == (422, "claims")
    assert (short.status, short.param) == (422, "lifetime")
    assert (no_key.status, no_key.param) == (422, "signing_key")

    path = f"/jwt_templates/{template['id']}"
    updated = await api.patch(
        path, {"name": "supabase", "claims": {"role": "authenticated"}, "lifetime": 300}
    )
    assert (updated.body["lifetime"], updated.body["claims"]) == (300, {"role": "authenticated"})
    assert (await api.get(path)).body["lifetime"] == 300
    assert [t["name"] for t in (await api.get("/jwt_templates")).body] == ["supabase"]
    assert (await api.delete(path)).body == {
        "object": "jwt_template",
        "id": template["id"],
        "deleted": True,
    }
    assert (await api.get(path)).status == 404
