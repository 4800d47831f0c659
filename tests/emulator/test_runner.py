"""Running the emulator: async and sync ``ClerkEmulator``, the CLI, and the pytest plugin."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import urllib3

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator, Faults, RateLimit
from clerk_async.emulator.cli import build_parser, parse_args

ROOT = Path(__file__).resolve().parents[2]


async def test_async_context_manager_serves_on_the_running_loop() -> None:
    async with ClerkEmulator(secret_key="sk_test_async") as emu:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", emu.url)
        assert emu.secret_key == "sk_test_async"
        assert emu.rate_limit == RateLimit(100, 10.0)
        async with Clerk(bearer_auth=emu.secret_key, server_url=emu.url) as clerk:
            user = await clerk.users.create(first_name="Async")
            assert (await clerk.users.get(user.id)).first_name == "Async"
        emu.reset()
        assert emu.state.users.users == {}
    assert "running=False" in repr(emu)


def test_sync_context_manager_serves_from_a_thread() -> None:
    with ClerkEmulator() as emu:
        assert emu.secret_key.startswith("sk_test_")
        with emu.sync_client() as clerk:
            user = clerk.users.create(email_address=["sync@example.com"])
            assert clerk.users.get(user.id).email_addresses[0].email_address == "sync@example.com"
            emu.faults = Faults(error_rate=1.0, error_statuses=(503,), max_faults=1)
            assert clerk.users.count().total_count == 1  # retried past the 503
            emu.rate_limit = None
            emu.reset()
            assert clerk.users.count().total_count == 0
        with pytest.raises(RuntimeError):
            emu.start_in_thread()


async def test_a_threaded_emulator_serves_async_clients_too() -> None:
    with ClerkEmulator(rate_limit="off") as emu:
        async with emu.client() as clerk:
            users = await asyncio.gather(*(clerk.users.create() for _ in range(20)))
        assert len({u.id for u in users}) == 20
        assert emu.rate_limit is None


def test_a_port_in_use_is_reported() -> None:
    with ClerkEmulator() as first, pytest.raises(OSError):
        ClerkEmulator(port=first.port).start_in_thread()


def test_cli_prints_url_and_key_and_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [
            sys.executable, "-m", "clerk_async.emulator", "--port", "0",
            "--secret-key", "sk_test_cli", "--rate-limit", "off",
            "--error-rate", "1", "--error-statuses", "503", "--fault-methods", "POST",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        url = re.search(r"(http://127\.0\.0\.1:\d+/v1)", lines[0])
        assert url, lines
        assert lines[1].strip() == f"CLERK_API_URL={url.group(1)}"
        assert lines[2].strip() == "CLERK_SECRET_KEY=sk_test_cli"
        assert "rate limit: off" in lines[3]

        http = urllib3.PoolManager()
        headers = {"Authorization": "Bearer sk_test_cli"}
        listed = http.request("GET", url.group(1) + "/users", headers=headers)
        created = http.request("POST", url.group(1) + "/users", body=b"{}", headers=headers)
        assert (listed.status, json.loads(listed.data)) == (200, [])
        assert created.status == 503
        log = http.request("GET", url.group(1)[:-3] + "/__emulator/requests", headers=headers)
        logged = [entry[1:] for entry in json.loads(log.data)["requests"]]
        assert logged == [["GET", "/v1/users", 200], ["POST", "/v1/users", 503]]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out


def test_cli_arguments() -> None:
    args, faults = parse_args(
        [
            "--latency",
            "50ms",
            "--drop-after",
            "0.1",
            "--fault-seed",
            "3",
            "--rate-limit",
            "1000/10s",
        ]
    )
    assert args.rate_limit == "1000/10s"
    assert (faults.latency, faults.drop_after, faults.seed) == (0.05, 0.1, 3)
    assert args.user_limit is None
    assert parse_args(["--user-limit", "100"])[0].user_limit == 100
    with pytest.raises(SystemExit):
        parse_args(["--rate-limit", "lots"])
    with pytest.raises(SystemExit):
        parse_args(["--error-rate", "0.8", "--drop-before", "0.8"])


def test_the_pytest_plugin_in_a_users_suite(tmp_path: Path) -> None:
    suite = tmp_path / "test_user_suite.py"
    suite.write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.fixture(scope="session")
            def clerk_emulator_options():
                return {"secret_key": "sk_test_suite"}

            async def test_first(clerk_emulator):
                async with clerk_emulator.client() as clerk:
                    await clerk.users.create(username="first_user")
                assert len(clerk_emulator.state.users.users) == 1

            def test_second_starts_empty(clerk_emulator):
                assert clerk_emulator.secret_key == "sk_test_suite"
                assert clerk_emulator.rate_limit is None
                with clerk_emulator.sync_client() as clerk:
                    assert clerk.users.count().total_count == 0

            class TestWithALimit:
                @pytest.fixture
                def clerk_emulator_options(self):
                    return {"secret_key": "sk_test_suite", "rate_limit": "5/10s"}

                def test_a_function_scoped_override_applies(self, clerk_emulator):
                    assert str(clerk_emulator.rate_limit) == "5/10s"
                    assert clerk_emulator.secret_key == "sk_test_suite"

            def test_the_limit_is_off_again(clerk_emulator):
                assert clerk_emulator.rate_limit is None
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "no:clerk_emulator", "-p", "clerk_async.emulator.pytest_plugin",
            "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function",
            "-W", "error", str(suite),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_every_fault_knob_has_one_spelling_on_the_command_line() -> None:
    flags = {
        option
        for action in build_parser()._actions
        for option in action.option_strings
        if option.startswith("--")
    }
    knobs = [f.name for f in dataclasses.fields(Faults) if f.init and f.name != "max_faults"]
    for name in knobs:
        spelled = "--" + name.replace("_", "-")
        assert spelled in flags or "--fault-" + name.replace("_", "-") in flags, name
