"""How the packages behave as installed programs: imports, interpreter exit, the wheel build."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.processes import run_python
from tests.support.server import SECRET_KEY, Reply, ScriptedServer

ROOT = Path(__file__).resolve().parent.parent

USER = Reply(200, json={"id": "user_1"})


def test_clerk_sync_works_with_aiohttp_blocked(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", USER)
    result = run_python(
        f"""
        import sys
        sys.modules["aiohttp"] = None  # any import of aiohttp now fails
        import clerk_sync, clerk_sync.models
        from tests.support.ops import GET_USER, User
        with clerk_sync.Clerk(bearer_auth="{SECRET_KEY}", server_url="{server.url}") as clerk:
            print(clerk.send(GET_USER, User, path={{"user_id": "user_1"}}).id)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "user_1"


def test_importing_clerk_async_models_and_errors_does_not_import_aiohttp() -> None:
    result = run_python(
        """
        import sys
        import clerk_async, clerk_async.models, clerk_async.errors, clerk_sync
        print("aiohttp" in sys.modules)
        clerk_async.Clerk
        print("aiohttp" in sys.modules)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_importing_the_packages_and_building_clients_does_not_import_cryptography() -> None:
    result = run_python(
        """
        import sys
        import clerk_async, clerk_sync, clerk_async.security, clerk_sync.security
        clerk_async.Clerk(bearer_auth="sk_test_x"), clerk_sync.Clerk(bearer_auth="sk_test_x")
        print("cryptography" in sys.modules)
        from clerk_sync.security import VerifyTokenOptions, verify_token, TokenVerificationError
        try:
            verify_token("a.b.c", VerifyTokenOptions(jwt_key="-----BEGIN PUBLIC KEY-----"))
        except TokenVerificationError:
            pass
        print("cryptography" in sys.modules)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]  # "a.b.c" is rejected before any key work
    result = run_python(
        """
        import sys
        from clerk_sync.security import VerifyTokenOptions, verify_token, TokenVerificationError
        try:  # an RS256 token: now the key is parsed, and cryptography imported
            verify_token("eyJhbGciOiJSUzI1NiJ9.e30.AAAA", VerifyTokenOptions(jwt_key="x"))
        except TokenVerificationError as error:
            print(error.reason.code, "cryptography" in sys.modules)
        """
    )
    assert result.stdout.split() == ["jwk-failed-to-resolve", "True"], result.stderr


def test_an_unclosed_client_leaves_no_warning_at_exit(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", USER)
    result = run_python(
        f"""
        import asyncio
        from clerk_async import Clerk
        from tests.support.ops import GET_USER, User

        async def script() -> None:  # a client that goes out of scope unclosed
            clerk = Clerk(bearer_auth="{SECRET_KEY}", server_url="{server.url}")
            print((await clerk.send(GET_USER, User, path={{"user_id": "user_1"}})).id)

        asyncio.run(script())

        shared = Clerk(bearer_auth="{SECRET_KEY}", server_url="{server.url}")

        async def main() -> None:  # a module-level client, used from two event loops
            print((await shared.send(GET_USER, User, path={{"user_id": "user_1"}})).id)

        asyncio.run(main())
        asyncio.run(main())
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["user_1"] * 3
    assert "Unclosed" not in result.stderr
    assert "ResourceWarning" not in result.stderr
    assert len(server.received) == 3


def test_clerk_log_debug_logs_to_stderr_without_the_key(server: ScriptedServer) -> None:
    server.script("GET", "/v1/users/user_1", USER)
    result = run_python(
        f"""
        import clerk_sync
        from tests.support.ops import GET_USER, User
        with clerk_sync.Clerk(bearer_auth="{SECRET_KEY}", server_url="{server.url}") as clerk:
            clerk.send(GET_USER, User, path={{"user_id": "user_1"}})
        """,
        CLERK_LOG="debug",
    )
    assert result.returncode == 0, result.stderr
    assert f"GET {server.url}/users/user_1 -> 200 in" in result.stderr
    assert SECRET_KEY not in result.stderr


@pytest.mark.slow  # builds the sdist and the wheel, checked in a fresh venv
def test_build_makes_a_wheel_whose_mirror_comes_from_the_hook(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ROOT / "scripts/build"), str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "clerk_sync mirror regenerated and current" in result.stdout
    assert "OK without aiohttp" in result.stdout
    assert "README pytest example(s) pass in a fresh project" in result.stdout
    assert "clerk-migrate imported 5 users once, from a fresh install" in result.stdout
    assert len(list((tmp_path / "dist").glob("*.whl"))) == 1
