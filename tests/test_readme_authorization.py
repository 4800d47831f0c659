"""The "Authorization" examples print what their comments say."""

from __future__ import annotations

from clerk_async.emulator import ClerkEmulator
from tests.test_readme import EXAMPLES, run_example


def test_the_has_example_answers_as_its_comments_say(clerk_emulator: ClerkEmulator) -> None:
    (code,) = [example for example in EXAMPLES if "decide_access(state, admins)" in example]
    result = run_example(code, clerk_emulator)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "True False",
        "True",
        "False False",
        "True",
        "200 404",
        "401 Bearer",
    ]
