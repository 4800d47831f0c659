"""``clerk-migrate`` in-process against the emulator: import, dry run, status, retry, rollback."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from clerk_async import Clerk, RetryConfig
from clerk_async.emulator import ClerkEmulator, Faults
from clerk_async.errors import AuthenticationError
from clerk_async.migrate.cli import main
from clerk_async.migrate.instance import check_instance
from clerk_async.migrate.journal import Journal
from clerk_async.migrate.runner import MigrationAborted
from tests.support.server import SECRET_KEY, Reply, ScriptedServer

FAST = "100000/1s"


def write_users(path: Path, count: int, *, broken: int = 0, prefix: str = "u") -> Path:
    lines = []
    for index in range(count):
        user = {
            "external_id": f"{prefix}{index}",
            "email_address": [f"{prefix}{index}@example.com"],
            "first_name": "Ada",
        }
        lines.append(json.dumps(user))
    for index in range(broken):
        lines.append(json.dumps({"external_id": f"bad{index}", "email_address": ["nope"]}))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def env(clerk_emulator: ClerkEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CLERK_SECRET_KEY", clerk_emulator.secret_key)
    monkeypatch.setenv("CLERK_API_URL", clerk_emulator.url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> int:
    return main(list(args))


def held(emulator: ClerkEmulator) -> Counter[str]:
    return Counter(r.data["external_id"] for r in emulator.state.users.users.values())


def test_import_status_and_report(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    users = write_users(env / "users.jsonl", 30)
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(users)) == 0
    out = capsys.readouterr().out
    assert "records   30: created 30" in out
    assert "exit code 0" in out
    assert sorted(held(clerk_emulator)) == sorted(f"u{i}" for i in range(30))
    report = [
        json.loads(line)
        for line in (env / "migration.report.ndjson").read_text().split("\n")
        if line
    ]
    assert len(report) == 30
    assert {line["status"] for line in report} == {"created"}
    assert set(report[0]) >= {"external_id", "status", "clerk_id", "code", "message"}
    assert run("status", "--json") == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["created"] == 30 and counts["pending"] == 0
    assert run("status") == 0
    assert "--from jsonl" in capsys.readouterr().out


def test_a_dry_run_sends_no_write(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    users = write_users(env / "users.jsonl", 120, broken=2)
    (env / "users.jsonl").write_text(
        (env / "users.jsonl").read_text()
        + json.dumps({"external_id": "u3", "email_address": ["x@example.com"]})
        + "\n"
    )
    code = run("import", "--from", "jsonl", "--dry-run", "--report", "plan.ndjson", str(users))
    out = capsys.readouterr().out
    assert code == 1  # invalid and duplicate records found
    assert "to send   120" in out
    assert "invalid   2" in out and "invalid_email_address" in out
    assert "duplicate 1" in out and "external id u3 is also in" in out
    assert "development instance: it holds at most 100 users" in out
    assert clerk_emulator.state.users.users == {}
    assert set(clerk_emulator.emulator.responses) <= {200}  # two reads: instance and count
    assert sum(clerk_emulator.emulator.responses.values()) == 2
    assert not (env / "migration.db").exists()
    assert len((env / "plan.ndjson").read_text().splitlines()) == 123


def test_exit_codes(env: Path, clerk_emulator: ClerkEmulator) -> None:
    good = write_users(env / "good.jsonl", 3)
    assert (
        run(
            "import",
            "--from",
            "jsonl",
            "--yes",
            "--journal",
            "a.db",
            "--rate-limit",
            FAST,
            str(good),
        )
        == 0
    )
    broken = write_users(env / "broken.jsonl", 2, broken=1, prefix="b")
    assert (
        run(
            "import",
            "--from",
            "jsonl",
            "--yes",
            "--journal",
            "b.db",
            "--rate-limit",
            FAST,
            str(broken),
        )
        == 1
    )
    clerk_emulator.faults = Faults(error_rate=1.0, methods=frozenset({"POST"}))
    failing = write_users(env / "failing.jsonl", 2, prefix="f")
    assert (
        run(
            "import",
            "--from",
            "jsonl",
            "--yes",
            "--journal",
            "c.db",
            "--rate-limit",
            FAST,
            str(failing),
        )
        == 2
    )
    clerk_emulator.faults = None
    assert (
        run(
            "import",
            "--from",
            "jsonl",
            "--yes",
            "--journal",
            "c.db",
            "--rate-limit",
            FAST,
            str(failing),
        )
        == 2
    )
    assert run("retry-failed", "--yes", "--journal", "c.db", "--rate-limit", FAST) == 0
    assert held(clerk_emulator)["f0"] == 1
    assert run("status", "--journal", "missing.db") == 3


def test_a_journal_refuses_other_files(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write_users(env / "first.jsonl", 2)
    second = write_users(env / "second.jsonl", 2, prefix="s")
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(first)) == 0
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(second)) == 3
    err = capsys.readouterr().err
    assert "belongs to other input" in err and "first.jsonl" in err


def test_rollback_deletes_exactly_what_the_journal_created(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    with clerk_emulator.sync_client() as clerk:
        before = clerk.users.create(external_id="u0", email_address=["u0@example.com"])
        bystander = clerk.users.create(email_address=["bystander@example.com"])
    users = write_users(env / "users.jsonl", 5)
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(users)) == 0
    assert len(clerk_emulator.state.users.users) == 6
    assert run("rollback", "--yes", "--rate-limit", FAST) == 0
    assert "deleted 4, already gone 0, failed 0" in capsys.readouterr().out
    assert set(clerk_emulator.state.users.users) == {before.id, bystander.id}
    with Journal(env / "migration.db") as journal:
        assert journal.counts()["rolled_back"] == 4
        assert journal.counts()["already_imported"] == 1
        assert [entry["outcome"] for entry in journal.rollback_log()] == ["deleted"] * 4
    assert run("rollback", "--yes") == 0
    assert "nothing to roll back" in capsys.readouterr().out
    assert run("import", "--from", "jsonl", "--yes", str(users)) == 3  # a rolled-back journal


def test_export_writes_every_user(env: Path, clerk_emulator: ClerkEmulator) -> None:
    with clerk_emulator.sync_client() as clerk:
        for index in range(7):
            clerk.users.create(email_address=[f"e{index}@example.com"], external_id=f"e{index}")
    assert run("export", "--out", "users.ndjson") == 0
    exported = [json.loads(line) for line in (env / "users.ndjson").read_text().splitlines()]
    assert sorted(user["external_id"] for user in exported) == [f"e{i}" for i in range(7)]
    assert exported[0]["object"] == "user"


def test_without_a_terminal_the_run_needs_yes(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = write_users(env / "users.jsonl", 1)
    assert run("import", "--from", "jsonl", str(users)) == 3
    assert "pass --yes" in capsys.readouterr().err


def test_bad_arguments(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    users = write_users(env / "users.jsonl", 1)
    assert run("import", "--from", "okta", str(users)) == 3
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", "lots", str(users)) == 3
    assert "rate limit must look like 100/10s" in capsys.readouterr().err


def test_progress_as_log_lines_and_as_a_bar() -> None:
    import io

    from clerk_async.migrate.progress import LogLines, ProgressBar, progress_display
    from clerk_async.migrate.runner import Progress

    out = io.StringIO()
    display = progress_display("import", out)
    assert isinstance(display, LogLines)  # not a terminal
    progress = Progress(total=10, done=7, baseline=2, created=5, rate_limited=1, started=0.0)
    with display:
        display.update(progress)
    first, last = out.getvalue().splitlines()
    assert "import 5/10 (50%)" in first and "created 5" in first and "429s 1" in first
    assert first.split(" ", 1)[1] == last.split(" ", 1)[1]  # the last line on exit

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = progress_display("import", screen)
    assert isinstance(bar, ProgressBar)
    with bar:
        bar.update(progress)
    assert "created 5" in screen.getvalue() and "5/10" in screen.getvalue()


def test_every_long_command_logs_its_progress_without_a_terminal(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    users = write_users(env / "users.jsonl", 6)
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(users)) == 0
    assert "import 6/6 (100%)" in capsys.readouterr().err

    assert run("export", "--out", "users.ndjson") == 0
    assert "export 6/6 (100%)" in capsys.readouterr().err

    assert run("rollback", "--yes", "--rate-limit", FAST) == 0
    logged = capsys.readouterr().err
    assert "rollback 6/6 (100%)" in logged
    assert "deleted 6, already gone 0, failed 0, 429s 0" in logged


def test_status_exits_with_the_code_it_prints(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    clerk_emulator.faults = Faults(error_rate=1.0, methods=frozenset({"POST"}))
    failing = write_users(env / "failing.jsonl", 2)
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(failing)) == 2
    capsys.readouterr()

    assert run("status") == 2
    assert "(exit code 2)" in capsys.readouterr().out
    assert run("status", "--json") == 2


@pytest.mark.parametrize(
    "command",
    [
        ["import", "--from", "jsonl", "--yes", "users.jsonl"],
        ["retry-failed", "--yes"],
        ["rollback", "--yes"],
        ["export", "--out", "users.ndjson"],
    ],
)
def test_without_a_key_the_command_names_the_variable_to_set(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:  # fmt: skip
    write_users(env / "users.jsonl", 1)
    monkeypatch.delenv("CLERK_SECRET_KEY")

    assert run(*command) == 3

    err = capsys.readouterr().err
    assert "set CLERK_SECRET_KEY" in err
    assert "bearer_auth" not in err
    assert not (env / "migration.db").exists()  # nothing was started


#: The first GET of a run, ``GET /instance``, answered 500 (and no other request).
INSTANCE_FAILS = Faults(error_rate=1.0, error_statuses=(500,), methods=frozenset({"GET"}),
                        max_faults=1)  # fmt: skip


def bound_to(env: Path) -> str | None:
    with Journal(env / "migration.db") as journal:
        return journal.get_meta("instance")


def test_a_failed_instance_lookup_never_binds_the_journal_to_the_url(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    users = write_users(env / "users.jsonl", 3)
    clerk_emulator.faults = INSTANCE_FAILS

    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(users)) == 2
    assert "which instance" in capsys.readouterr().err
    assert bound_to(env) is None  # nothing was sent, nothing bound
    assert clerk_emulator.state.users.users == {}

    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(users)) == 0
    assert (bound_to(env) or "").startswith("ins_")


def test_a_resume_is_not_refused_because_the_instance_lookup_failed(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    users = write_users(env / "users.jsonl", 3)
    clerk_emulator.faults = Faults(error_rate=1.0, methods=frozenset({"POST"}))
    assert run("import", "--from", "jsonl", "--yes", "--rate-limit", FAST, str(users)) == 2
    bound = bound_to(env)
    assert (bound or "").startswith("ins_")

    clerk_emulator.faults = INSTANCE_FAILS
    assert run("retry-failed", "--yes", "--rate-limit", FAST) == 2  # run again, not "another"
    assert "another instance" not in capsys.readouterr().err
    assert bound_to(env) == bound

    assert run("retry-failed", "--yes", "--rate-limit", FAST) == 0
    assert sorted(held(clerk_emulator)) == ["u0", "u1", "u2"]


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        (Reply(403, json={"errors": [{"code": "authorization_invalid", "message": "no"}]}), None),
        (Reply(404, json={"errors": [{"code": "resource_not_found", "message": "no"}]}), None),
        (Reply(500, json={"errors": [{"code": "internal_clerk_error", "message": "oops"}]}),
         MigrationAborted),
        (Reply(429, headers={"Retry-After": "1"}), MigrationAborted),
        (Reply(200, body=b"not json"), MigrationAborted),
        (Reply(401, json={"errors": [{"code": "authentication_invalid", "message": "no"}]}),
         AuthenticationError),
    ],
)  # fmt: skip
async def test_only_a_key_without_access_to_the_instance_binds_by_server(
    server: ScriptedServer, reply: Reply, outcome: type[Exception] | None
) -> None:
    server.script("GET", "/v1/instance", reply)
    server.script("GET", "/v1/users/count", Reply(json={"object": "total_count", "total_count": 3}))
    quick = RetryConfig("none")
    async with Clerk(bearer_auth=SECRET_KEY, server_url=server.url, retry_config=quick) as clerk:
        if outcome is None:  # the key may not read the instance: the journal binds by server
            check = await check_instance(clerk, SECRET_KEY)
            assert (check.instance_id, check.users) == (None, 3)
            return
        with pytest.raises(outcome):  # anything else: not known now, so nothing is bound
            await check_instance(clerk, SECRET_KEY)
