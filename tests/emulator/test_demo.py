"""The demo (``scripts/demo``), shrunk: an Auth0 migration killed part way and resumed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from clerk_async.migrate import demo
from clerk_async.migrate.demo_data import generate_auth0_export, password_of


@pytest.mark.slow  # the whole demo: an import killed with SIGKILL, then resumed
def test_the_demo_kills_resumes_and_finds_every_user_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = demo.main(["--users", "200", "--rate-limit", "60/1s", "--keep", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "killed with SIGKILL after" in out
    assert "the same command again" in out
    assert "missing: 0, more than once: 0" in out
    assert "verifies: True" in out
    assert "OK: every user is in Clerk exactly once" in out
    lines = (tmp_path / "migration.report.ndjson").read_text().splitlines()
    report = [json.loads(line) for line in lines]
    assert len(report) == 205  # every record, whichever run settled it
    statuses = {line["status"] for line in report}
    assert statuses == {"created", "already_imported", "conflict", "invalid", "duplicate"}


def test_the_generated_export_looks_like_auth0s(tmp_path: Path) -> None:
    export = generate_auth0_export(tmp_path, 50)
    profiles = [
        json.loads(line) for line in gzip.decompress(export.profiles.read_bytes()).splitlines()
    ]
    hashes = [json.loads(line) for line in export.hashes.read_text().splitlines()]
    assert len(profiles) == 55 and len(export.importable) == 51
    assert export.broken == {"invalid": 3, "duplicate": 1}
    database = [p for p in profiles if str(p.get("user_id", "")).startswith("auth0|")]
    assert {h["_id"]["$oid"] for h in hashes} <= {p["user_id"][6:] for p in database}
    assert all(h["passwordHash"].startswith("$2b$04$") for h in hashes)
    assert any(p["user_id"].startswith("google-oauth2|") for p in profiles if "user_id" in p)
    assert export.sample_password == password_of(export.sample_user.split("|")[1])
    (tmp_path / "again").mkdir()
    assert generate_auth0_export(tmp_path / "again", 50).importable == export.importable
