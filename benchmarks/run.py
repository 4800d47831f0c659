"""The benchmark runner: ``scripts/bench [--quick] [--only W2,W4] [--reps N]``.

The canned server runs in its own process pinned to the last core; every contender runs in a
fresh process pinned to the first core, contenders alternating (in a rotated order) within each
repetition. A contender's figures are medians over the repetitions; its ratio to the workload's
floor is the median of the per-repetition ratios, so that both sides of a ratio come from
neighbouring processes. The markdown report goes to ``benchmarks/results/latest.md`` and the raw
measurements to ``benchmarks/results/raw/`` (not committed).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import (
    cache,
    emulator_bench,
    fleet_limit,
    frameworks,
    importtime,
    migration,
    webhooks,
)
from benchmarks.process import run_measurement
from benchmarks.report import Report, Row, machine_info
from benchmarks.workloads import FLOORS, WORKLOADS

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable
OFFICIAL = "official SDK"


@dataclass(frozen=True)
class Plan:
    """How much each workload does in one process."""

    reps: int
    counts: dict[str, int]
    #: The official SDK is 10-50x slower per request; it does a fraction of the work so that a full
    #: run stays within minutes. Its figures are per operation, like everyone's.
    official_share: dict[str, int]
    memory_walks: tuple[int, int]
    import_reps: int
    emulator_requests: int


FULL = Plan(
    reps=5,
    counts={
        "W1": 20,
        "W2": 10_000,
        "W3": 3_000,
        "W4": 50_000,
        "W5": 5_000,
        "W7": 20_000,
        "W8": 50_000,
        "W12": 5_000,
    },
    official_share={"W1": 1, "W2": 10, "W3": 3, "W4": 5, "W5": 10, "W7": 4},
    memory_walks=(10_000, 50_000),
    import_reps=12,
    emulator_requests=5_000,
)
QUICK = Plan(
    reps=1,
    counts={
        "W1": 5,
        "W2": 2_000,
        "W3": 600,
        "W4": 10_000,
        "W5": 1_000,
        "W7": 2_000,
        "W8": 10_000,
        "W12": 1_000,
    },
    official_share={"W1": 1, "W2": 10, "W3": 3, "W4": 5, "W5": 10, "W7": 4},
    memory_walks=(5_000, 10_000),
    import_reps=5,
    emulator_requests=1_000,
)


@dataclass
class Outcome:
    """The measurements of one contender of one workload, one per repetition."""

    count: int
    runs: list[dict[str, Any]] = field(default_factory=list)


Cores = tuple[int | None, int | None]


def _cores() -> Cores:
    """(client core, server core), or ``None`` where pinning is not possible."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return cores[0], cores[-1]


class Server:
    """The canned server process; stops when this process closes its stdin."""

    def __init__(self, cpu: int | None) -> None:
        command = [PYTHON, "-m", "benchmarks.server", "--port", "0", "--exit-on-eof"]
        if cpu is not None:
            command += ["--cpu", str(cpu)]
        self._process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.stop()
            raise RuntimeError("the canned server did not start")
        self.origin = f"http://127.0.0.1:{line[1]}"

    def stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def run_child(
    workload: str,
    contender: str,
    *,
    origin: str,
    count: int,
    cpu: int | None,
    trace_memory: bool = False,
) -> dict[str, Any]:
    args = [workload, contender, "--origin", origin, "--count", str(count)]
    if trace_memory:
        args.append("--trace-memory")
    return run_measurement("benchmarks.child", *args, cpu=cpu, what=f"{workload} {contender}")


def run_workload(workload: str, plan: Plan, origin: str, cpu: int | None) -> dict[str, Outcome]:
    contenders = list(WORKLOADS[workload])
    outcomes: dict[str, Outcome] = {}
    for name in contenders:
        share = plan.official_share[workload] if name == OFFICIAL else 1
        outcomes[name] = Outcome(count=max(plan.counts[workload] // share, 1))
    for rep in range(plan.reps):
        shift = rep % len(contenders)
        for name in contenders[shift:] + contenders[:shift]:
            outcome = outcomes[name]
            result = run_child(workload, name, origin=origin, count=outcome.count, cpu=cpu)
            outcome.runs.append(result)
            per_op = result["cpu_s"] / result["ops"]
            log(f"  {workload} rep {rep + 1}/{plan.reps} {name:<24} {per_op * 1e6:10.1f} us CPU/op")
    return outcomes


def summarize(workload: str, outcomes: dict[str, Outcome]) -> list[Row]:
    floor = outcomes[FLOORS[workload]]
    rows = []
    for name, outcome in outcomes.items():
        cpu = [run["cpu_s"] / run["ops"] for run in outcome.runs]
        wall = [run["wall_s"] / run["ops"] for run in outcome.runs]
        ratios = [
            (run["cpu_s"] / run["ops"]) / (base["cpu_s"] / base["ops"])
            for run, base in zip(outcome.runs, floor.runs, strict=True)
        ]
        extra: dict[str, float] = {}
        for key in outcome.runs[0]["extra"]:
            extra[key] = statistics.median(run["extra"][key] for run in outcome.runs)
        rows.append(
            Row(
                contender=name,
                count=outcome.count,
                cpu_per_op=statistics.median(cpu),
                cpu_spread=(max(cpu) - min(cpu)) / 2 / statistics.median(cpu),
                wall_per_op=statistics.median(wall),
                ratio=statistics.median(ratios),
                is_floor=name == FLOORS[workload],
                extra=extra,
            )
        )
    return rows


def memory_check(
    plan: Plan, origin: str, cpu: int | None
) -> list[tuple[str, int, float, int, float]]:
    """tracemalloc peak of each W4 contender walking a short and a long list."""
    rows = []
    short, long = plan.memory_walks
    for name in WORKLOADS["W4"]:
        share = plan.official_share["W4"] if name == OFFICIAL else 1
        a, b = short // share, long // share
        peak_a = run_child("W4", name, origin=origin, count=a, cpu=cpu, trace_memory=True)
        peak_b = run_child("W4", name, origin=origin, count=b, cpu=cpu, trace_memory=True)
        rows.append((name, a, peak_a["extra"]["peak_mb"], b, peak_b["extra"]["peak_mb"]))
        log(f"  W4 memory {name:<24} {rows[-1][2]:.1f} MB -> {rows[-1][4]:.1f} MB")
    return rows


def _parse(argv: list[str] | None) -> tuple[argparse.Namespace, Plan, list[str]]:
    parser = argparse.ArgumentParser(description="Benchmark clerk-client against its rivals.")
    parser.add_argument("--quick", action="store_true", help="one short repetition of everything")
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W2,W6,EMU")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 1)")
    parser.add_argument(
        "--output", type=Path, default=None, help="markdown report (default: results/latest.md)"
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.reps is not None:
        plan = dataclasses.replace(plan, reps=max(args.reps, 1))
    known = [*WORKLOADS, "W6", "W8", "W12", "EMU", *migration.MIGRATION_WORKLOADS, "W13", "W14"]
    selected = [name.strip().upper() for name in args.only.split(",") if name.strip()] or known
    unknown = sorted(set(selected) - set(known))
    if unknown:
        parser.error(f"unknown workloads {unknown}: pick from {known}")
    return args, plan, selected


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _served_workloads(
    selected: list[str], plan: Plan, report: Report, raw: dict[str, Any], cores: Cores
) -> None:
    """W1-W6, with one canned server running."""
    wanted = [workload for workload in WORKLOADS if workload in selected]
    if not wanted and "W6" not in selected:
        return
    client_cpu, server_cpu = cores
    server = Server(server_cpu)
    try:
        for workload in wanted:
            log(f"{workload}: {plan.reps} repetitions")
            outcomes = run_workload(workload, plan, server.origin, client_cpu)
            raw[workload] = {name: dataclasses.asdict(run) for name, run in outcomes.items()}
            report.add_workload(workload, summarize(workload, outcomes))
            if workload == "W4":
                log("W4: memory against users walked (tracemalloc)")
                report.memory = memory_check(plan, server.origin, client_cpu)
                raw["W4 memory"] = report.memory
        if "W6" in selected:
            log(f"W6: import to a ready client and to a first response, {plan.import_reps} reps")
            url = server.origin + "/v1"
            report.imports = importtime.measure(plan.import_reps, client_cpu, url, log)
            raw["W6"] = [dataclasses.asdict(row) for row in report.imports]
    finally:
        server.stop()


def _emulator(plan: Plan, report: Report, raw: dict[str, Any], cores: Cores) -> None:
    log("EMU: emulator throughput")
    report.emulator = emulator_bench.measure(plan.emulator_requests, *cores)
    raw["EMU"] = report.emulator


def main(argv: list[str] | None = None) -> None:
    args, plan, selected = _parse(argv)
    cores = _cores()
    started = time.monotonic()
    report = Report(machine_info(*cores), quick=args.quick, reps=plan.reps)
    raw: dict[str, Any] = {"plan": dataclasses.asdict(plan), "machine": report.machine}
    _served_workloads(selected, plan, report, raw, cores)
    if "W8" in selected:
        log(f"W8: webhook verification, {plan.reps} repetitions")
        rows = webhooks.measure(plan.reps, plan.counts["W8"], cores[0], log)
        if rows:
            report.add_workload("W8", rows)
            report.extra_targets += webhooks.target_lines(rows)
            raw["W8"] = [dataclasses.asdict(row) for row in rows]
    if "W12" in selected:
        log(f"W12: server CPU per authenticated FastAPI request, {plan.reps} repetitions")
        w12 = frameworks.measure(plan.reps, plan.counts["W12"], cores[0], log)
        report.add_workload("W12", w12.rows)
        report.notes["W12"] = w12.notes
        report.extra_targets += w12.targets
        raw["W12"] = [dataclasses.asdict(row) for row in w12.rows]
    if "EMU" in selected:
        _emulator(plan, report, raw, cores)
    if set(selected) & set(migration.MIGRATION_WORKLOADS):
        report.sections += migration.measure(selected, args.quick, cores, log, plan.reps)
    if "W13" in selected:
        log("W13: users.get served from the cache")
        report.sections += cache.measure(args.quick, cores, log)
    if "W14" in selected:
        log("W14: four processes, one instance's limit")
        report.sections += fleet_limit.measure(args.quick, cores, log)
    report.elapsed_s = time.monotonic() - started
    text = report.render()
    output = args.output or RESULTS / ("quick.md" if args.quick else "latest.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    raw_dir = RESULTS / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    raw_file = raw_dir / (time.strftime("%Y%m%d-%H%M%S") + ".json")
    raw_file.write_text(json.dumps(raw, indent=1, default=str))
    print(text)
    log(f"wrote {output} and {raw_file}")


if __name__ == "__main__":
    main()
