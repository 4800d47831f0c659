"""Every operation, called through both packages, against a server that checks it.

Each run calls all of them twice: once with every argument (answered with filled samples and
unknown fields) and once with only the required ones and ``None`` where null is allowed (answered
with every nullable field null). A method passes when the server found nothing wrong with its
request and it returned the right model. Deprecated operations must warn, the others must not.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

import clerk_async
import clerk_sync
from clerk_async import _operations
from clerk_async._operation import Operation
from tests.support.server import SECRET_KEY

from .calls import arguments, check_result, method_of
from .server import ContractServer

MODES = [
    pytest.param(False, id="filled"),
    pytest.param(True, id="nulls"),
]


@pytest.fixture(scope="module")
def contract() -> Iterator[ContractServer]:
    server = ContractServer().start()
    yield server
    server.stop()


def _report(server: ContractServer, failures: dict[str, list[str]], flavour: str) -> None:
    for op in _operations.ALL:
        if op.operation_id not in server.seen:
            failures.setdefault(op.operation_id, []).append("no request reached the server")
        failures.setdefault(op.operation_id, []).extend(server.problems.get(op.operation_id, []))
    passed = sum(1 for op in _operations.ALL if not failures.get(op.operation_id))
    total = len(_operations.ALL)
    print(f"\n{flavour}: {passed}/{total} operations")
    bad = {k: v for k, v in failures.items() if v}
    assert passed == total, "\n".join(f"{k}: {'; '.join(v)}" for k, v in sorted(bad.items()))


def _expect_warning(op: Operation, caught: list[warnings.WarningMessage]) -> list[str]:
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    if op.deprecated and not deprecations:
        return ["deprecated, but no DeprecationWarning"]
    if not op.deprecated and deprecations:
        return [f"warned: {deprecations[0].message}"]
    if deprecations and deprecations[0].filename != __file__:
        return [f"the warning points at {deprecations[0].filename}, not the caller"]
    return []


@pytest.mark.parametrize("thin", MODES)
async def test_every_operation_async(contract: ContractServer, thin: bool) -> None:
    contract.reset(nulls=thin, extra_fields=True)
    failures: dict[str, list[str]] = {}
    async with clerk_async.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url) as clerk:
        for op in _operations.ALL:
            method: Callable[..., Awaitable[Any]] = method_of(clerk, op)
            kwargs = arguments(method, op, thin=thin)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = await method(**kwargs)
            problems = _expect_warning(op, caught) + check_result(op, result)
            failures[op.operation_id] = problems
    _report(contract, failures, "clerk_async")


@pytest.mark.parametrize("thin", MODES)
def test_every_operation_sync(contract: ContractServer, thin: bool) -> None:
    contract.reset(nulls=thin, extra_fields=True)
    failures: dict[str, list[str]] = {}
    with clerk_sync.Clerk(bearer_auth=SECRET_KEY, server_url=contract.url) as clerk:
        for op in _operations.ALL:
            method: Callable[..., Any] = method_of(clerk, op)
            kwargs = arguments(method, op, thin=thin)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = method(**kwargs)
            problems = _expect_warning(op, caught) + check_result(op, result)
            failures[op.operation_id] = problems
    _report(contract, failures, "clerk_sync")


def test_the_table_has_every_operation_of_the_spec() -> None:
    assert len(_operations.ALL) == 250
    assert len({op.operation_id for op in _operations.ALL}) == 250
    assert len({(op.group, op.name) for op in _operations.ALL}) == 250
