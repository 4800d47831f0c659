"""The demo job (``scripts/demo``), shrunk to a few users."""

from __future__ import annotations

import pytest

from clerk_async.emulator import demo


def test_the_demo_runs_against_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(["--users", "40", "--concurrency", "8"]) == 0
    out = capsys.readouterr().out
    assert "limited like a production instance (1000/10s)" in out
    assert "40 created, 0 failed" in out
    assert "listed 40 users" in out
    assert "UnprocessableEntityError: form_identifier_exists (param email_address)" in out
    assert "created   40 users (failed: none)" in out


def test_the_real_instance_needs_a_flag_and_a_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    assert demo.main(["--against-clerk"]) == 2
    assert "needs CLERK_SECRET_KEY" in capsys.readouterr().err


def test_generated_users_are_unique_and_deterministic() -> None:
    users = demo.generate_users(500, "t")
    assert users == demo.generate_users(500, "t")
    assert len({u["email_address"][0] for u in users}) == 500
    assert len({u["external_id"] for u in users}) == 500
