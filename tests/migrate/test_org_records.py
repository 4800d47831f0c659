"""Organizations, memberships and roles read from files with Clerk's field names, and mapped."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.readers import read_roles, read_source
from clerk_async.migrate.records import (
    Domain,
    InvalidRecord,
    MappedMembership,
    MappedOrganization,
    MappedUser,
    SkippedRecord,
    SourceFileError,
    SourceRecord,
)
from tests.migrate.support import ndjson, write


def read(tmp_path: Path, organizations: str = "", memberships: str = "") -> list[object]:
    users = ndjson(tmp_path / "users.jsonl", [{"external_id": "u1", "email_address": ["a@b.co"]}])
    orgs = [write(tmp_path / "orgs.csv", organizations)] if organizations else []
    members = [write(tmp_path / "members.csv", memberships)] if memberships else []
    items = read_source("jsonl", [users], organizations=orgs, memberships=members)
    return [map_record(item) if isinstance(item, SourceRecord) else item for item in items]


def test_users_then_organizations_then_memberships(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        "id,name\no1,Acme\n",
        "organization_id,user_id,role\no1,u1,org:admin\n",
    )
    assert [type(item) for item in found] == [MappedUser, MappedOrganization, MappedMembership]
    organization, membership = found[1], found[2]
    assert isinstance(organization, MappedOrganization)
    assert isinstance(membership, MappedMembership)
    assert organization.record.kind == "organization"
    assert (membership.organization, membership.user, membership.role) == ("o1", "u1", "org:admin")
    assert membership.record.kind == "membership"


def test_an_organization_as_clerk_takes_it(tmp_path: Path) -> None:
    (organization,) = read(
        tmp_path,
        "id,name,created_by,max_allowed_memberships,created_at,public_metadata,domains\n"
        'o1,"Acme, Inc.",u1,25,2021-03-04T05:06:07Z,"{""plan"":""pro""}",Acme.com|acme.org\n',
    )[1:]
    assert isinstance(organization, MappedOrganization)
    body = msgspec.json.decode(msgspec.json.encode(organization.request))
    assert body == {
        "name": "Acme, Inc.",
        "slug": "acme-inc",  # made from the name, as Clerk makes it, so it can be found again
        "max_allowed_memberships": 25,
        "created_at": "2021-03-04T05:06:07.000Z",
        "public_metadata": {"plan": "pro"},
        "private_metadata": {"clerk_migrate": {"source_id": "o1"}},
    }
    assert organization.creator == "u1"  # a source id: sent as created_by once imported
    assert organization.member_limit == 25
    assert organization.domains == (Domain(name="acme.com"), Domain(name="acme.org"))


MODE = "automatic_invitation"


def test_domains_as_objects_and_metadata_kept_beside_the_marker(tmp_path: Path) -> None:
    path = ndjson(
        tmp_path / "orgs.jsonl",
        [
            {
                "id": "o1",
                "name": "Acme",
                "slug": "acme",
                "private_metadata": {"crm": 42},
                "domains": [{"name": "acme.com", "enrollment_mode": MODE, "verified": False}],
                "role_set_key": "role_set:default",
            }
        ],
    )
    (item,) = read_source("jsonl", [], organizations=[path])
    assert isinstance(item, SourceRecord)
    organization = map_record(item)
    assert isinstance(organization, MappedOrganization)
    assert organization.request.private_metadata == {
        "crm": 42,
        "clerk_migrate": {"source_id": "o1"},
    }
    assert organization.request.role_set_key == "role_set:default"
    assert organization.domains == (Domain(name="acme.com", enrollment_mode=MODE, verified=False),)


@pytest.mark.parametrize(
    ("row", "code", "field"),
    [
        ("o1,,", "invalid_name", "name"),
        ("o1,<b>Acme</b>,", "invalid_name", "name"),
        ("o1,https://acme.example,", "invalid_name", "name"),
        ("o1," + "a" * 257 + ",", "invalid_name", "name"),
        ("o1,Acme,Acme", "invalid_slug", "slug"),
        ("o1,Acme,acme--inc", "invalid_slug", "slug"),
        ("o1,!!!,", "invalid_slug", "slug"),
        ("o1,Acme,acme,-1", "invalid_field", "max_allowed_memberships"),
        ("o1,Acme,acme,many", "invalid_field", "max_allowed_memberships"),
        ("o1,Acme,acme,,gmail.com", "invalid_domain", "domains"),
        ("o1,Acme,acme,,not a domain", "invalid_domain", "domains"),
    ],
)
def test_an_organization_clerk_would_refuse(
    tmp_path: Path, row: str, code: str, field: str
) -> None:
    (organization,) = read(tmp_path, f"id,name,slug,max_allowed_memberships,domains\n{row}\n")[1:]
    assert isinstance(organization, InvalidRecord)
    assert (organization.code, organization.field) == (code, field)
    assert organization.external_id == "o1"


def test_an_unknown_organization_field_is_refused_not_dropped(tmp_path: Path) -> None:
    (organization,) = read(tmp_path, "id,name,colour\no1,Acme,red\n")[1:]
    assert isinstance(organization, InvalidRecord)
    assert (organization.code, organization.field) == ("invalid_field", "colour")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("o1,u1,", "role"),
        ("o1,u1,admin", "role"),
        ("o1,u1,org:Admin", "role"),
        ('o1,u1,org:member,"[1]"', "public_metadata"),
    ],
)
def test_a_membership_clerk_would_refuse(tmp_path: Path, row: str, field: str) -> None:
    memberships = f"organization_id,user_id,role,public_metadata\n{row}\n"
    (membership,) = read(tmp_path, memberships=memberships)[1:]
    assert isinstance(membership, InvalidRecord)
    assert membership.field == field
    assert membership.external_id == "o1\x1fu1"  # the journal's key of a membership


def test_a_membership_without_its_organization_or_user_is_reported(tmp_path: Path) -> None:
    found = read(tmp_path, memberships="organization_id,user_id,role\n,u1,org:member\no1,,x\n")
    skipped = [item for item in found if isinstance(item, SkippedRecord)]
    assert [(item.code, item.kind) for item in skipped] == [("no_id", "membership")] * 2


def test_a_memberships_file_given_as_organizations_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"o{i},u{i},org:member\n" for i in range(25))
    with pytest.raises(SourceFileError, match="not one has id"):
        read(tmp_path, "organization_id,user_id,role\n" + rows)


def test_roles_with_their_permissions(tmp_path: Path) -> None:
    path = write(
        tmp_path / "roles.csv",
        "key,name,description,permissions\n"
        "org:billing,Billing,Pays the bills,org:invoices:read|org:invoices:pay\n"
        "org:viewer,,,\n",
    )
    billing, viewer = read_roles("csv", [path])
    assert billing.key == "org:billing" and billing.name == "Billing"
    assert [p.key for p in billing.permissions] == ["org:invoices:read", "org:invoices:pay"]
    assert viewer.permissions == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key,name\nbilling,Billing\n", "not a Clerk role key"),
        ("key,permissions\norg:billing,invoices\n", "not a Clerk permission key"),
        ("key,colour\norg:billing,red\n", "no field 'colour'"),
        ("key,name\norg:a,A\norg:a,B\n", "defined twice"),
    ],
)
def test_a_role_file_clerk_would_refuse_stops_before_anything(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(SourceFileError, match=message):
        read_roles("jsonl", [write(tmp_path / "roles.csv", text)])
