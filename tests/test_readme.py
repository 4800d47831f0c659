"""Every Python example in the README runs, unchanged, against the local Clerk emulator, and prints
what its comments say.

What a ``print`` call prints is written in the comment that ends its last line, or else in the
comment lines right below it, one per line of output. ``...`` there stands for any text (an id, a
timing). The emulator stands in for Clerk, so its URL in the output reads as Clerk's. Every
``print`` of every example shows its output, and each one must have run and printed exactly that.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

from clerk_async.emulator import ClerkEmulator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
RUNNER = ROOT / "tests" / "support" / "readme_runner.py"
CLERK_URL = "https://api.clerk.com/v1"


@dataclass(frozen=True)
class Promise:
    """A ``print`` call of an example (its first and last line) and the output it promises."""

    first_line: int
    last_line: int
    output: str  # "" when the example shows none

    def pattern(self) -> re.Pattern[str]:
        return re.compile(".*?".join(map(re.escape, self.output.split("..."))), re.DOTALL)


def promises(code: str) -> list[Promise]:
    """Every ``print`` call of ``code``, with the output its comments promise."""
    trailing: dict[int, str] = {}  # line -> the comment ending a line of code
    alone: dict[int, str] = {}  # line -> a comment on a line of its own
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            text = token.string.removeprefix("#").removeprefix(" ")
            own_line = not token.line[: token.start[1]].strip()
            (alone if own_line else trailing)[token.start[0]] = text
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
            last = node.end_lineno or node.lineno
            lines: list[str] = []
            while last + 1 + len(lines) in alone:
                lines.append(alone[last + 1 + len(lines)])
            output = trailing.get(last, "\n".join(lines))
            found.append(Promise(node.lineno, last, output))
    return sorted(found, key=lambda promise: promise.first_line)


def _example_id(code: str) -> str:
    first = next(
        line for line in code.splitlines() if line and not line.startswith(("import", "from"))
    )
    return re.sub(r"\W+", "-", first)[:40].strip("-")


def emulator_env(emulator: ClerkEmulator, redis_url: str | None = None) -> dict[str, str]:
    """The environment of an example: the client's key and server are the emulator's, and its
    ``REDIS_URL`` a real Redis of the test session's."""
    env = {**os.environ, "CLERK_API_URL": emulator.url, "CLERK_SECRET_KEY": emulator.secret_key}
    env.pop("CLERK_JWT_KEY", None)
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    return env


def run_example(
    code: str, emulator: ClerkEmulator, folder: Path, redis_url: str | None = None
) -> tuple[subprocess.CompletedProcess[str], list[tuple[int, str]]]:
    """An example run as a script in ``folder`` against ``emulator``, and what each of its print
    calls printed (line, text), in order."""
    example, printed = folder / "example.py", folder / "printed.json"
    example.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-X", "dev", str(RUNNER), str(example), str(printed)],
        capture_output=True,
        text=True,
        env=emulator_env(emulator, redis_url),
        cwd=folder,
        timeout=120,
        check=False,
    )
    lines = json.loads(printed.read_text(encoding="utf-8")) if printed.exists() else []
    return result, [(line, text.replace(emulator.url, CLERK_URL)) for line, text in lines]


def run_pytest_example(
    code: str, emulator: ClerkEmulator, folder: Path
) -> subprocess.CompletedProcess[str]:
    """An example of a test, run with pytest in an empty project, as a user would."""
    example = folder / "test_example.py"
    example.write_text(code, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(example)]
    command += ["-o", "asyncio_mode=strict", "-o", "asyncio_default_fixture_loop_scope=function"]
    command += ["--rootdir", str(folder)]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env=emulator_env(emulator),
        cwd=folder,
        check=False,
    )


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("code", EXAMPLES, ids=[_example_id(code) for code in EXAMPLES])
def test_every_print_shows_its_output(code: str) -> None:
    for promise in promises(code):
        shown = code.splitlines()[promise.first_line - 1].strip()
        assert promise.output, f"`{shown}` does not show what it prints"


def test_a_promise_is_read_from_the_line_or_the_lines_below() -> None:
    code = (
        "print(1)  # 1\n"
        "print(\n    'a', 'b'\n)  # a b\n"
        "# said before\n"
        "print('x\\ny')\n# x\n# y\n"
        "print()\n"
    )
    assert promises(code) == [
        Promise(1, 1, "1"),
        Promise(2, 4, "a b"),
        Promise(6, 6, "x\ny"),
        Promise(9, 9, ""),
    ]
    assert Promise(1, 1, "user_... None").pattern().fullmatch("user_2abc None")
    assert not Promise(1, 1, "user_... None").pattern().fullmatch("user_2abc 1 None ")


@pytest.mark.parametrize("code", EXAMPLES, ids=[_example_id(code) for code in EXAMPLES])
def test_readme_example_runs_and_prints_what_it_says(
    code: str, clerk_emulator: ClerkEmulator, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    printed: list[tuple[int, str]] = []
    redis_url = request.getfixturevalue("redis_url") if "REDIS_URL" in code else None
    if "def test_" in code:
        result = run_pytest_example(code, clerk_emulator, tmp_path)
    else:
        result, printed = run_example(code, clerk_emulator, tmp_path, redis_url)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Unclosed" not in result.stderr
    for promise in promises(code):
        where = f"the print on line {promise.first_line}"
        outputs = [
            text for line, text in printed if promise.first_line <= line <= promise.last_line
        ]
        assert outputs, f"{where} never ran"
        for output in outputs:
            assert promise.pattern().fullmatch(output), (
                f"{where}: {output!r}, not {promise.output!r}"
            )
