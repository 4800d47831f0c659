"""Organizations, memberships and organization invitations."""

from __future__ import annotations

from typing import Any

import aiohttp

from .support import Api


async def _org(api: Api, **fields: Any) -> dict[str, Any]:
    reply = await api.post("/organizations", {"name": "Acme Rockets", **fields})
    assert reply.status == 200, reply
    result: dict[str, Any] = reply.body
    return result


async def test_create_get_by_id_or_slug(api: Api) -> None:
    creator = await api.user(first_name="Wile")
    org = await _org(api, created_by=creator["id"], public_metadata={"tier": "gold"})

    assert org["object"] == "organization"
    assert org["id"].startswith("org_")
    assert org["slug"] == "acme-rockets"
    assert org["created_by"] == creator["id"]
    by_slug = await api.get("/organizations/acme-rockets", include_members_count=True)
    assert by_slug.body["id"] == org["id"]
    assert by_slug.body["members_count"] == 1
    members = await api.get(f"/organizations/{org['id']}/memberships")
    assert members.body["total_count"] == 1
    assert members.body["data"][0]["role"] == "org:admin"
    assert members.body["data"][0]["public_user_data"]["first_name"] == "Wile"


async def test_slugs_are_unique_and_checked(api: Api) -> None:
    first = await _org(api)
    second = await _org(api)
    taken = await api.post("/organizations", {"name": "X", "slug": first["slug"]})
    bad = await api.post("/organizations", {"name": "X", "slug": "Not A Slug"})
    nameless = await api.post("/organizations", {"slug": "nameless"})

    assert second["slug"].startswith("acme-rockets-") and second["slug"] != first["slug"]
    assert (taken.status, taken.code, taken.param) == (422, "form_identifier_exists", "slug")
    assert (bad.status, bad.code, bad.param) == (422, "form_param_format_invalid", "slug")
    assert (nameless.status, nameless.code, nameless.param) == (422, "form_param_missing", "name")
    renamed = await api.patch(f"/organizations/{second['id']}", {"slug": first["slug"]})
    assert renamed.status == 422


async def test_list_query_order_and_member_filters(api: Api) -> None:
    ada = await api.user()
    names = ["Zeta Corp", "alpha labs", "Mid Co"]
    orgs = [await _org(api, name=name) for name in names]
    await api.post(
        f"/organizations/{orgs[0]['id']}/memberships", {"user_id": ada["id"], "role": "org:member"}
    )

    default = await api.get("/organizations")
    by_name = await api.get("/organizations", order_by="name")
    by_members = await api.get("/organizations", order_by="-members_count", limit=1)
    query = await api.get("/organizations", query="LABS")
    exact_id = await api.get("/organizations", query=orgs[2]["id"])
    with_ada = await api.get("/organizations", user_id=ada["id"])
    without_ada = await api.get("/organizations", user_id=f"-{ada['id']}")
    chosen = await api.get("/organizations", organization_id=[f"+{orgs[1]['id']}", orgs[2]["id"]])
    paged = await api.get("/organizations", limit=1, offset=1)

    assert [o["name"] for o in default.body["data"]] == list(reversed(names))
    assert default.body["total_count"] == 3
    assert [o["name"] for o in by_name.body["data"]] == ["alpha labs", "Mid Co", "Zeta Corp"]
    assert by_members.body["data"][0]["id"] == orgs[0]["id"]
    assert [o["name"] for o in query.body["data"]] == ["alpha labs"]
    assert [o["id"] for o in exact_id.body["data"]] == [orgs[2]["id"]]
    assert [o["id"] for o in with_ada.body["data"]] == [orgs[0]["id"]]
    assert {o["id"] for o in without_ada.body["data"]} == {orgs[1]["id"], orgs[2]["id"]}
    assert {o["id"] for o in chosen.body["data"]} == {orgs[1]["id"], orgs[2]["id"]}
    assert (len(paged.body["data"]), paged.body["total_count"]) == (1, 3)


async def test_update_metadata_and_delete(api: Api) -> None:
    org = await _org(api, public_metadata={"a": {"b": 1, "c": 2}}, private_metadata={"p": 1})
    path = f"/organizations/{org['id']}"

    updated = await api.patch(path, {"name": "Acme Two", "max_allowed_memberships": 5})
    merged = await api.patch(path + "/metadata", {"public_metadata": {"a": {"c": None, "d": 4}}})
    replaced = await api.put(path + "/metadata", {"private_metadata": {"q": 2}})
    unknown = await api.patch(path, {"colour": "red"})

    assert (updated.body["name"], updated.body["max_allowed_memberships"]) == ("Acme Two", 5)
    assert merged.body["public_metadata"] == {"a": {"b": 1, "d": 4}}
    assert replaced.body["private_metadata"] == {"q": 2}
    assert replaced.body["public_metadata"] == {"a": {"b": 1, "d": 4}}
    assert (unknown.status, unknown.code) == (422, "form_param_unknown")

    deleted = await api.delete(path)
    assert deleted.body == {
        "object": "organization",
        "id": org["id"],
        "slug": org["slug"],
        "deleted": True,
    }
    assert (await api.get(path)).status == 404
    assert (await api.get("/organizations/" + org["slug"])).status == 404


async def test_logo_upload_and_delete(api: Api) -> None:
    org = await _org(api)
    form = aiohttp.FormData()
    form.add_field("file", b"GIF89a", filename="logo.gif", content_type="image/gif")

    uploaded = await api.request("PUT", f"/organizations/{org['id']}/logo", data=form)
    removed = await api.delete(f"/organizations/{org['id']}/logo")

    assert uploaded.status == 200
    assert uploaded.body["has_image"] is True
    assert uploaded.body["logo_url"] == uploaded.body["image_url"]
    assert removed.body["has_image"] is False


async def test_memberships(api: Api) -> None:
    org = await _org(api)
    users = [
        await api.user(first_name=n, email_address=[f"{n.lower()}@example.com"])
        for n in ("Bea", "Al", "Cy")
    ]
    path = f"/organizations/{org['id']}/memberships"
    for user, role in zip(users, ("org:admin", "org:member", "org:member"), strict=True):
        reply = await api.post(
            path, {"user_id": user["id"], "role": role, "public_metadata": {"r": role}}
        )
        assert reply.status == 200, reply
        assert reply.body["organization"]["id"] == org["id"]

    again = await api.post(path, {"user_id": users[0]["id"], "role": "org:member"})
    no_user = await api.post(path, {"user_id": "user_nope", "role": "org:member"})
    bad_role = await api.post(path, {"user_id": users[0]["id"], "role": "boss"})
    assert (again.status, again.code) == (400, "already_a_member_in_organization")
    assert no_user.status == 404
    assert (bad_role.status, bad_role.code, bad_role.param) == (404, "resource_not_found", "role")

    by_name = await api.get(path, order_by="first_name")
    members = await api.get(path, role="org:member", order_by="-email_address")
    query = await api.get(path, query="cy@")
    assert [m["public_user_data"]["first_name"] for m in by_name.body["data"]] == [
        "Al",
        "Bea",
        "Cy",
    ]
    assert [m["public_user_data"]["identifier"] for m in members.body["data"]] == [
        "cy@example.com",
        "al@example.com",
    ]
    assert [m["public_user_data"]["user_id"] for m in query.body["data"]] == [users[2]["id"]]

    member = f"{path}/{users[1]['id']}"
    promoted = await api.patch(member, {"role": "org:admin"})
    merged = await api.patch(member + "/metadata", {"public_metadata": {"x": 1}})
    assert promoted.body["role"] == "org:admin"
    assert "org:sys_memberships:manage" in promoted.body["permissions"]
    assert merged.body["public_metadata"] == {"r": "org:member", "x": 1}

    mine = await api.get(f"/users/{users[1]['id']}/organization_memberships")
    everyone = await api.get("/organization_memberships", limit=2)
    assert [m["organization"]["id"] for m in mine.body["data"]] == [org["id"]]
    assert (len(everyone.body["data"]), everyone.body["total_count"]) == (2, 3)

    removed = await api.delete(member)
    assert removed.body["public_user_data"]["user_id"] == users[1]["id"]
    assert (await api.get(path)).body["total_count"] == 2
    assert (await api.delete(member)).status == 404
    await api.delete(f"/users/{users[2]['id']}")
    assert (await api.get(path)).body["total_count"] == 1


async def test_membership_quota(api: Api) -> None:
    org = await _org(api, max_allowed_memberships=1)
    first, second = await api.user(), await api.user()
    path = f"/organizations/{org['id']}/memberships"
    assert (await api.post(path, {"user_id": first["id"], "role": "org:admin"})).status == 200
    full = await api.post(path, {"user_id": second["id"], "role": "org:member"})
    assert (full.status, full.code) == (403, "organization_membership_quota_exceeded")


async def test_organization_invitations(api: Api) -> None:
    inviter = await api.user(first_name="Ivy", email_address=["ivy@example.com"])
    invitee = await api.user(email_address=["new@example.com"])
    org = await _org(api, created_by=inviter["id"])
    path = f"/organizations/{org['id']}/invitations"

    created = await api.post(
        path,
        {
            "email_address": "new@example.com",
            "role": "org:member",
            "inviter_user_id": inviter["id"],
        },
    )
    assert created.status == 200
    invitation = created.body
    assert invitation["id"].startswith("orginv_")
    assert invitation["status"] == "pending"
    assert invitation["public_inviter_data"]["identifier"] == "ivy@example.com"
    duplicate = await api.post(path, {"email_address": "NEW@example.com", "role": "org:member"})
    member = await api.post(path, {"email_address": "ivy@example.com", "role": "org:member"})
    assert (duplicate.status, duplicate.code) == (400, "organization_invitation_not_unique")
    assert (member.status, member.code) == (400, "already_a_member_in_organization")

    bulk = await api.post(
        path + "/bulk",
        [
            {"email_address": "b1@example.com", "role": "org:member"},
            {"email_address": "b2@example.com", "role": "org:admin"},
        ],
    )
    assert bulk.body["total_count"] == 2
    not_array = await api.post(path + "/bulk", {"email_address": "x@example.com"})
    assert not_array.status == 400

    got = await api.get(f"{path}/{invitation['id']}")
    assert got.body == invitation
    revoked = await api.post(f"{path}/{invitation['id']}/revoke")
    assert revoked.body["status"] == "revoked"
    assert (await api.post(f"{path}/{invitation['id']}/revoke")).status == 400

    everything = await api.get(path)
    pending = await api.get(path + "/pending")
    by_email = await api.get(path, email_address="b1@example.com")
    by_status = await api.get(path, status="revoked")
    bad_status = await api.get(path, status="lost")
    assert everything.body["total_count"] == 3
    assert pending.body["total_count"] == 2
    assert [i["email_address"] for i in by_email.body["data"]] == ["b1@example.com"]
    assert [i["id"] for i in by_status.body["data"]] == [invitation["id"]]
    assert bad_status.status == 422

    mine = await api.get(f"/users/{invitee['id']}/organization_invitations")
    assert [i["id"] for i in mine.body["data"]] == [invitation["id"]]
    assert mine.body["data"][0]["public_organization_data"]["slug"] == org["slug"]
    instance = await api.get(
        "/organization_invitations", status="pending", order_by="email_address"
    )
    assert [i["email_address"] for i in instance.body["data"]] == [
        "b1@example.com",
        "b2@example.com",
    ]
