"""Run the README's pytest examples in an empty project, as a new user would: no configuration, so
pytest-asyncio runs in its default (strict) mode. Used by scripts/build in a fresh venv that has
only what the README says to install."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> int:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    tests = [block for block in blocks if "def test_" in block]
    if not tests:
        print("readme_pytest: the README has no pytest example", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as project:
        for index, code in enumerate(tests):
            (Path(project) / f"test_readme_{index}.py").write_text(code, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=project,
            check=False,
        )
    if done.returncode != 0:
        return done.returncode
    print(f"readme_pytest: {len(tests)} README pytest example(s) pass in a fresh project")
    return 0


if __name__ == "__main__":
    sys.exit(main())
