"""The W8 benchmark's contenders still run and verify (no timing is asserted here)."""

from __future__ import annotations

import pytest

from benchmarks import webhooks
from benchmarks.report import Row
from tests.support.spec import needs_spec as spec_needed

needs_spec = spec_needed(webhooks.SPEC.name)


@needs_spec
@pytest.mark.parametrize("name", list(webhooks.CONTENDERS))
def test_each_contender_verifies_the_user_created_example(name: str) -> None:
    measurement = webhooks.run_contender(name, 10)
    assert measurement.ops == 10 and measurement.cpu_s >= 0


def test_the_targets_compare_the_right_rows() -> None:
    def row(name: str, cpu: float) -> Row:
        return Row(name, 1, cpu, 0.0, cpu, 1.0, name == webhooks.FLOOR)

    rows = [
        row(webhooks.OURS, 8.0),
        row(webhooks.SIGNATURE_ONLY, 6.0),
        row(webhooks.SVIX_JSON, 25.0),
        row(webhooks.SVIX, 13.0),
        row(webhooks.FLOOR, 5.0),
    ]
    signature, decode = webhooks.target_lines(rows)
    assert "| 1.20x | yes |" in signature
    assert "| 0.32x | yes |" in decode
    rows[1] = row(webhooks.SIGNATURE_ONLY, 8.0)
    assert "| 1.60x | **no** |" in webhooks.target_lines(rows)[0]
