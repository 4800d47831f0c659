"""What is cached, under which keys, and which operations read or change it.

Three kinds: a user (``users.get``), an organization by id (``organizations.get``), and a user's
organization memberships (``users.get_organization_memberships``: every page is served from the one
complete list). Writes are recognised from the generated operation table, so an operation added to
the spec later is written through (or invalidates) without a change here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from clerk_async import _operations as ops
from clerk_async._operation import Operation
from clerk_async.models.common import Organization, OrganizationMembership
from clerk_async.models.users import User

from .entry import Entry

__all__ = [
    "BATCH_LIMIT",
    "Kind",
    "ReadRoute",
    "WriteRoute",
    "entry_codec",
    "member_organizations",
    "without_private_metadata",
    "read_route",
    "write_route",
]

#: Ids per batched ``users.list`` / ``organizations.list`` (the API takes up to 100).
BATCH_LIMIT = 100
#: Memberships per page when a user's complete list is fetched (the API's maximum).
MEMBERSHIPS_PAGE = 500


class Kind(enum.Enum):
    USER = "u"
    ORGANIZATION = "o"
    MEMBERSHIPS = "m"

    def key(self, ident: str) -> str:
        return f"{self.value}:{ident}"

    @staticmethod
    def parse(key: str) -> tuple[Kind, str]:
        kind, _, ident = key.partition(":")
        return Kind(kind), ident


_VALUE_TYPES: dict[Kind, Any] = {
    Kind.USER: User,
    Kind.ORGANIZATION: Organization,
    Kind.MEMBERSHIPS: list[OrganizationMembership],
}
_encoder = msgspec.json.Encoder()
_decoders: dict[Kind, msgspec.json.Decoder[Entry[Any]]] = {
    Kind.USER: msgspec.json.Decoder(Entry[User]),
    Kind.ORGANIZATION: msgspec.json.Decoder(Entry[Organization]),
    Kind.MEMBERSHIPS: msgspec.json.Decoder(Entry[list[OrganizationMembership]]),
}


def entry_codec(kind: Kind) -> tuple[Callable[[Entry[Any]], bytes], Callable[[bytes], Entry[Any]]]:
    """``(encode, decode)`` of one kind's entries as a shared store keeps them (one pass each)."""
    return _encoder.encode, _decoders[kind].decode


def value_type(kind: Kind) -> Any:
    return _VALUE_TYPES[kind]


def member_organizations(value: Any) -> set[str]:
    """The organizations of a cached memberships list (the index that finds them again)."""
    if not isinstance(value, list):
        return set()
    return {m.organization.id for m in value if isinstance(m, OrganizationMembership)}


def without_private_metadata(kind: Kind, value: Any) -> Any:
    """``value`` without ``private_metadata`` (its memberships' and organizations' too)."""
    if kind is Kind.MEMBERSHIPS and isinstance(value, list):
        return [
            msgspec.structs.replace(
                m,
                private_metadata=None,
                organization=msgspec.structs.replace(m.organization, private_metadata=None),
            )
            for m in value
        ]
    if isinstance(value, (User, Organization)):
        return msgspec.structs.replace(value, private_metadata=None)
    return value


class ReadRoute(msgspec.Struct, frozen=True):
    """A cached read: its kind, the path parameter holding the id, the keys' prefix, the prefix
    the id must have (an organization may be named by its slug), and whether it answers a page."""

    kind: Kind
    param: str
    prefix: str
    id_prefix: str = ""
    page: bool = False


_READS = {
    ops.GET_USER.operation_id: ReadRoute(Kind.USER, "user_id", Kind.USER.key("")),
    ops.GET_ORGANIZATION.operation_id: ReadRoute(
        Kind.ORGANIZATION, "organization_id", Kind.ORGANIZATION.key(""), id_prefix="org_"
    ),
    ops.USERS_GET_ORGANIZATION_MEMBERSHIPS.operation_id: ReadRoute(
        Kind.MEMBERSHIPS, "user_id", Kind.MEMBERSHIPS.key(""), page=True
    ),
}

#: How a batch of misses of one kind is fetched: the list operation and its id filter.
BATCH_OPERATIONS: dict[Kind, tuple[Operation, str, Any]] = {
    Kind.USER: (ops.GET_USER_LIST, "user_id", User),
    Kind.ORGANIZATION: (ops.LIST_ORGANIZATIONS, "organization_id", Organization),
}
#: The single reads, one per kind.
SINGLE_OPERATIONS: dict[Kind, tuple[Operation, str, Any]] = {
    Kind.USER: (ops.GET_USER, "user_id", User),
    Kind.ORGANIZATION: (ops.GET_ORGANIZATION, "organization_id", Organization),
    Kind.MEMBERSHIPS: (
        ops.USERS_GET_ORGANIZATION_MEMBERSHIPS,
        "user_id",
        OrganizationMembership,
    ),
}


def read_route(
    op: Operation, path: Mapping[str, Any] | None, query: Mapping[str, Any] | None
) -> tuple[ReadRoute, str] | None:
    """``(route, id)`` when this call is served by the cache; ``None`` sends it as usual.

    Only the plain forms are cached: an organization by id (not by slug) without the optional
    counts, a user's memberships with at most ``limit`` and ``offset``.
    """
    route = _READS.get(op.operation_id)
    if route is None or path is None:
        return None
    ident = path.get(route.param)
    if not isinstance(ident, str) or not ident.startswith(route.id_prefix) or not ident:
        return None
    if query:
        for name, value in query.items():
            if value is msgspec.UNSET:
                continue
            if name == "limit" and _whole(value, 1, 500):
                continue
            if name == "offset" and _whole(value, 0, None):
                continue
            return None  # anything else, or a page Clerk would refuse: sent as it is
    return route, ident


def _whole(value: object, low: int, high: int | None) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )


class WriteRoute(msgspec.Struct, frozen=True):
    """What a successful write means for the cache.

    ``action``: ``put`` the returned object(s), ``delete`` (a tombstone), or ``invalidate``;
    ``kind`` and the path parameter naming the object; ``memberships``: which users' memberships
    change too (``"user"``: the user written, ``"organization"``: every cached member of it,
    ``"member"``: the user of the returned membership).
    """

    action: str
    kind: Kind
    param: str
    memberships: str = ""


#: Writes under a user's path that do not change the user.
_NOT_USER_CHANGES = frozenset(
    {
        ops.VERIFY_PASSWORD.operation_id,
        ops.VERIFY_TOTP.operation_id,
        ops.ADJUST_USER_BILLING_CREDIT_BALANCE.operation_id,
    }
)
_ORGANIZATION_SCHEMAS = ("Organization", "OrganizationWithLogo")
_USER_PATH = "/users/{user_id}"
_ORG_PATH = "/organizations/{organization_id}"


def _classify(op: Operation) -> WriteRoute | None:
    if op.method == "GET" or op.operation_id in _NOT_USER_CHANGES:
        return None
    path, schema = op.path, op.response_schema
    if path in ("/users/ban", "/users/unban"):
        return WriteRoute("put", Kind.USER, "", memberships="user")
    if path == _USER_PATH and op.method == "DELETE":
        return WriteRoute("delete", Kind.USER, "user_id", memberships="user")
    if path == _USER_PATH or path.startswith(_USER_PATH + "/"):
        action = "put" if schema == "User" else "invalidate"
        return WriteRoute(action, Kind.USER, "user_id", memberships="user")
    if path == _ORG_PATH and op.method == "DELETE":
        return WriteRoute("delete", Kind.ORGANIZATION, "organization_id", "organization")
    if path.startswith(_ORG_PATH + "/memberships"):
        return WriteRoute("invalidate", Kind.MEMBERSHIPS, "user_id", memberships="member")
    if (path == _ORG_PATH or path.startswith(_ORG_PATH + "/")) and schema in _ORGANIZATION_SCHEMAS:
        return WriteRoute("put", Kind.ORGANIZATION, "organization_id", "organization")
    return None


_WRITES = {op.operation_id: route for op in ops.ALL if (route := _classify(op)) is not None}


def write_route(op: Operation) -> WriteRoute | None:
    """What a successful ``op`` changes in the cache, or ``None``."""
    return _WRITES.get(op.operation_id)
