"""Generate the API surface from Clerk's OpenAPI spec, or check that it is current.

scripts/generate                    # rewrite clerk_async/{models,resources,_operations.py}, README
scripts/generate --check            # fail if a generated file is stale, missing or extra
scripts/generate MAIN.yml OLD.yml   # other spec files (default: ../shared/clerk-openapi/...)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .config import DEFAULT_SPECS, Config
from .generate import check, generate, write
from .spec import SpecError

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/generate", description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", help="spec files: the main one first")
    parser.add_argument("--check", action="store_true", help="fail if the output is not current")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    paths = [(root / p).resolve() for p in (args.specs or DEFAULT_SPECS)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        if args.check and not args.specs:
            print(f"generate --check: skipped, no spec at {missing[0]}")
            return 0
        print(f"generate: spec not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        outputs = generate(root, paths, Config())
    except SpecError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    if args.check:
        problems = check(root, outputs)
        for problem in problems:
            print(f"generate --check: {problem}", file=sys.stderr)
        if problems:
            print("run scripts/generate to regenerate", file=sys.stderr)
            return 1
        print(f"generate --check: {len(outputs)} generated files are current ({elapsed:.1f} s)")
        return 0
    touched = write(root, outputs)
    print(f"generate: {len(outputs)} files, {len(touched)} changed ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
