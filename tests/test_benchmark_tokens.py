"""W7's contenders still run and verify the token (no timing is asserted here)."""

from __future__ import annotations

import pytest

from benchmarks.measurement import Params
from benchmarks.tokens import W7_CONTENDERS, W7_FLOOR
from benchmarks.workloads import FLOORS, WORKLOADS


def test_w7_is_registered() -> None:
    assert WORKLOADS["W7"] is W7_CONTENDERS
    assert FLOORS["W7"] == W7_FLOOR


@pytest.mark.parametrize("contender", sorted(W7_CONTENDERS))
def test_each_contender_verifies(contender: str) -> None:
    measurement = W7_CONTENDERS[contender](Params(origin="", count=5))
    assert measurement.ops == 5
    assert measurement.cpu_s >= 0
    if "warm JWKS" in contender:
        assert measurement.extra["network_calls"] == 0
