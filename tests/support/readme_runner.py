"""Run one README example as ``python example.py`` would, and record what each ``print`` of the
example printed, by the line of its call.

``python -X dev tests/support/readme_runner.py example.py printed.json``: the example runs as the
``__main__`` module, unchanged, with its stdout and stderr untouched; ``printed.json`` receives
``[[line, text], ...]`` for the example's own calls of ``print`` to stdout, in the order they ran
(from any thread, callbacks of a web framework included).
"""

from __future__ import annotations

import builtins
import io
import json
import runpy
import sys
import threading
from pathlib import Path
from typing import Any


def main() -> None:
    example, record_to = (str(Path(name).resolve()) for name in sys.argv[1:3])
    sys.argv = [example]
    sys.path[0] = str(Path(example).parent)  # as for `python example.py`, not this file's folder
    printed: list[tuple[int, str]] = []
    lock = threading.Lock()
    original = builtins.print

    def recording_print(
        *values: Any, sep: str | None = " ", end: str | None = "\n", **kw: Any
    ) -> None:
        original(*values, sep=sep, end=end, **kw)
        caller = sys._getframe(1)
        if kw.get("file") in (None, sys.stdout) and caller.f_code.co_filename == example:
            text = io.StringIO()
            original(*values, sep=sep, end="", file=text)
            with lock:
                printed.append((caller.f_lineno, text.getvalue()))

    builtins.print = recording_print
    try:
        runpy.run_path(example, run_name="__main__")
    finally:
        builtins.print = original
        Path(record_to).write_text(json.dumps(printed), encoding="utf-8")


if __name__ == "__main__":
    main()
