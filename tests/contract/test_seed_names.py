"""The seed SDK's names: every group and method of ``seed-operations.md`` on both clients.

Each one exists under its seed name with its keyword arguments, deprecated ones warn (at the
caller), and the official SDK's other names for the same things are the very same objects.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import clerk_async
import clerk_sync
from clerk_async import _operations
from clerk_async._operation import operation_of
from tests.support.server import SECRET_KEY

from .calls import arguments
from .server import ContractServer

SEED_FILE = Path(__file__).resolve().parents[3] / "shared" / "seed-operations.md"
ROW = re.compile(r"^\| (\w+) \| (\w+) \| (yes)? *\|$")

#: Keyword arguments the seed's README and docs call these methods with.
SEED_KEYWORDS = {
    ("email_addresses", "get"): {"email_address_id"},
    ("users", "list"): {"limit", "offset", "email_address", "order_by", "query"},
    ("users", "get"): {"user_id"},
    ("users", "set_profile_image"): {"user_id", "file"},
    ("users", "get_o_auth_access_token"): {"user_id", "provider"},
    ("misc", "get_public_interstitial"): {"frontend_api", "publishable_key"},
    ("organization_invitations", "create_bulk"): {"organization_id", "request_body"},
    ("clients", "verify"): {"token"},
    ("sessions", "verify"): {"session_id", "token"},
    ("templates", "toggle_delivery"): {"template_type", "slug", "delivered_by_clerk"},
    ("instance_settings", "update_organization_settings"): {"enabled", "max_allowed_memberships"},
}


def seed_rows() -> list[tuple[str, str, bool]]:
    if not SEED_FILE.exists():
        pytest.skip(f"needs {SEED_FILE}: the list of required names, kept beside the project")
    rows = []
    for line in SEED_FILE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.append((match[1], match[2], match[3] == "yes"))
    return rows


@pytest.fixture(scope="module")
def contract() -> Iterator[ContractServer]:
    server = ContractServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["clerk_async", "clerk_sync"])
def client(request: pytest.FixtureRequest, contract: ContractServer) -> Any:
    module = clerk_async if request.param == "clerk_async" else clerk_sync
    return module.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url)


def test_the_seed_table_is_read() -> None:
    rows = seed_rows()
    assert len(rows) == 110
    assert len({(group, method) for group, method, _ in rows}) == 110


def test_every_seed_method_exists_with_its_keywords(client: Any) -> None:
    for group, method, _ in seed_rows():
        bound = getattr(getattr(client, group), method)
        op = operation_of(bound)
        assert op is not None, f"{group}.{method} is not a generated method"
        names = set(inspect.signature(bound).parameters)
        assert {"retries", "timeout_ms", "server_url", "http_headers"} <= names
        missing = SEED_KEYWORDS.get((group, method), set()) - names
        assert not missing, f"{group}.{method} lacks {missing}"
        positional = [
            p
            for p in inspect.signature(bound).parameters.values()
            if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ]
        assert len(positional) == len(op.path_params), f"{group}.{method}"


def test_path_parameters_may_be_positional(client: Any) -> None:
    signature = inspect.signature(client.email_addresses.get)
    first = next(iter(signature.parameters.values()))
    assert first.name == "email_address_id"
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(
        p.kind is inspect.Parameter.KEYWORD_ONLY
        for p in inspect.signature(client.users.list).parameters.values()
    )


async def test_deprecated_seed_methods_warn_at_the_caller(contract: ContractServer) -> None:
    deprecated = [(g, m) for g, m, dep in seed_rows() if dep]
    assert len(deprecated) == 4
    contract.reset(nulls=False, extra_fields=False)
    async with clerk_async.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url) as aclerk:
        for group, name in deprecated:
            method = getattr(getattr(aclerk, group), name)
            op = operation_of(method)
            assert op is not None and op.deprecated
            kwargs = arguments(method, op, thin=True)
            with pytest.warns(DeprecationWarning, match=f"{group}.{name} is deprecated") as caught:
                await method(**kwargs)
            assert caught[0].filename == __file__
    with clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url) as sclerk:
        for group, name in deprecated:
            method = getattr(getattr(sclerk, group), name)
            op = operation_of(method)
            assert op is not None
            with pytest.warns(DeprecationWarning) as caught:
                method(**arguments(method, op, thin=True))
            assert caught[0].filename == __file__
    assert not any(contract.problems.values()), dict(contract.problems)


def test_group_aliases_are_the_same_objects(client: Any) -> None:
    assert _operations.GROUP_ALIASES == {
        "miscellaneous": "misc",
        "email_sms_templates": "templates",
        "email_and_sms_templates": "templates",
        "oauth_applications": "o_auth_applications",
    }
    for alias, group in _operations.GROUP_ALIASES.items():
        assert getattr(client, alias) is getattr(client, group)


def test_method_aliases_are_the_same_functions(client: Any) -> None:
    assert len(_operations.METHOD_ALIASES) == 5
    for (alias_group, alias), (group, name) in _operations.METHOD_ALIASES.items():
        alias_method = getattr(getattr(client, alias_group), alias)
        method = getattr(getattr(client, group), name)
        assert alias_method.__func__ is method.__func__
    assert client.jwks.get_jwks == client.jwks.get
    assert client.miscellaneous.get_public_interstitial == client.misc.get_public_interstitial
    assert (
        client.instance_settings.change_domain.__func__
        is client.beta_features.change_production_instance_domain.__func__
    )


async def test_an_argument_and_its_alias_are_not_both_accepted(client: Any) -> None:
    with pytest.raises(TypeError, match="not both"):
        result = client.misc.get_public_interstitial(
            frontend_api="a", frontend_api_query_parameter1="b"
        )
        if inspect.isawaitable(result):
            await result


def test_clerk_sync_models_are_the_clerk_async_models() -> None:
    from clerk_async import models as amodels
    from clerk_sync import models as smodels

    assert smodels.User is amodels.User
    assert smodels.ClerkErrors is clerk_async.ClerkErrors
    assert smodels.SDKError is clerk_sync.SDKError
    assert set(smodels.__all__) == set(amodels.__all__)
