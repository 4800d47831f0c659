"""Run one contender of one workload in this (fresh) process and print its measurement as JSON.

``python -m benchmarks.child W2 ours --origin http://127.0.0.1:PORT --count 10000 --cpu 0``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict

from benchmarks.measurement import Params
from benchmarks.workloads import WORKLOADS

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one benchmark contender.")
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("contender")
    parser.add_argument("--origin", default="")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--trace-memory", action="store_true")
    parser.add_argument("--cpu", type=int, default=None, help="pin this process to one core")
    args = parser.parse_args(argv)
    contenders = WORKLOADS[args.workload]
    if args.contender not in contenders:
        parser.error(f"{args.workload} has no contender {args.contender!r}: {sorted(contenders)}")
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    params = Params(
        origin=args.origin,
        count=args.count,
        concurrency=args.concurrency,
        trace_memory=args.trace_memory,
    )
    measurement = contenders[args.contender](params)
    sys.stdout.write(json.dumps(asdict(measurement)) + "\n")


if __name__ == "__main__":
    main()
