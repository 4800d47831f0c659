"""The markdown report: machine, targets, one table per workload."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.importtime import OFFICIAL as OFFICIAL_IMPORT
from benchmarks.importtime import ImportRow
from benchmarks.workloads import FLOORS

__all__ = ["Report", "Row", "machine_info"]

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "clerk-client",
    "aiohttp",
    "msgspec",
    "urllib3",
    "tenacity",
    "clerk-backend-api",
    "httpx",
    "pydantic",
    "orjson",
)

#: workload -> (title, what one operation is, unit of throughput)
TITLES = {
    "W1": ("W1: decode one 500-user `GET /users` page", "page", "pages/s"),
    "W2": ("W2: async `users.get`, 64 concurrent tasks", "request", "req/s"),
    "W3": ("W3: sequential sync `users.get`", "request", "req/s"),
    "W4": ("W4: walk every user with `paginate`, pages of 500 (async)", "user", "users/s"),
    "W5": ("W5: async `users.create`, 64 concurrent tasks", "request", "req/s"),
    "W7": (
        "W7: verify a v2 session token (RSA-2048), every check, no network",
        "token",
        "tokens/s",
    ),
    "W8": ("W8: verify the webhook spec's `user.created` example", "webhook", "webhooks/s"),
    "W12": (
        "W12: server CPU per authenticated FastAPI request (ASGI, in-process)",
        "request",
        "req/s",
    ),
}
#: workload -> what its ratio column is, where it is not the contender's CPU over the floor's.
RATIO_COLUMNS = {"W12": "auth overhead (CPU - no auth's) vs {floor}"}
#: workload -> (the most ours may cost, as a multiple of the floor's client CPU, description)
TARGETS = {
    "W1": (1.0, "typed decode no slower than `orjson.loads` into dicts"),
    "W2": (1.5, "client CPU per request within 1.5x raw aiohttp"),
    "W3": (1.5, "client CPU per request within 1.5x raw urllib3"),
    "W4": (1.2, "client CPU per user within 1.2x raw aiohttp + `json.loads`"),
    "W5": (1.5, "client CPU per request within 1.5x raw aiohttp"),
    "W7": (1.3, "CPU per token within 1.3x `cryptography` RSA verify + `json.loads`"),
}
#: W4: the long walk's peak may exceed the short walk's by this factor before memory "grows".
MEMORY_SLACK = 1.10


@dataclass
class Row:
    contender: str
    count: int
    cpu_per_op: float
    cpu_spread: float
    wall_per_op: float
    ratio: float
    is_floor: bool
    extra: dict[str, float] = field(default_factory=dict)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def machine_info(client_cpu: int | None, server_cpu: int | None) -> dict[str, str]:
    if client_cpu is None:
        pinning = "not pinned (fewer than 2 usable cores)"
    else:
        pinning = f"client on core {client_cpu}, server on core {server_cpu}"
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "pinning": pinning,
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        "commit": _commit(),
    }


def _time(seconds: float) -> str:
    """Three significant digits, in s, ms or µs."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale or unit == "µs":
            value = seconds / scale
            decimals = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{decimals}f} {unit}"
    raise AssertionError("unreachable")


def _opt_time(seconds: float | None) -> str:
    return "-" if seconds is None else _time(seconds)


def _rate(per_op: float) -> str:
    return f"{1 / per_op:,.0f}" if per_op > 0 else "-"


class Report:
    def __init__(self, machine: dict[str, str], *, quick: bool, reps: int) -> None:
        self.machine = machine
        self.quick = quick
        self.reps = reps
        self.workloads: dict[str, list[Row]] = {}
        self.memory: list[tuple[str, int, float, int, float]] = []
        self.imports: list[ImportRow] = []
        self.emulator: dict[str, Any] | None = None
        #: Markdown sections of other benchmark modules (benchmarks/migration.py).
        self.sections: list[str] = []
        #: Rows of the target table for workloads with targets of their own (W8).
        self.extra_targets: list[str] = []
        #: Markdown shown right after a workload's table (W12's other baselines and paths).
        self.notes: dict[str, list[str]] = {}
        self.elapsed_s = 0.0

    def add_workload(self, workload: str, rows: list[Row]) -> None:
        self.workloads[workload] = rows

    def render(self) -> str:
        today = datetime.date.today().isoformat()
        command = "scripts/bench --quick" if self.quick else "scripts/bench"
        lines = [
            "# Benchmarks",
            "",
            f"Written by `{command}` on {today}; the run took {self.elapsed_s / 60:.1f} min."
            " Lower CPU is better; ratios are to the floor measured in the same run.",
            "",
            "## Machine",
            "",
            f"- CPU: {self.machine['cpu']}, {self.machine['cores']} cores"
            f" ({self.machine['pinning']})",
            f"- {self.machine['os']}, {self.machine['python']}",
            f"- {self.machine['packages']}",
            f"- clerk-client commit: {self.machine['commit']}",
            "",
        ]
        lines += self._targets()
        for workload, rows in self.workloads.items():
            lines += self._workload(workload, rows)
            lines += self.notes.get(workload, [])
            if workload == "W4" and self.memory:
                lines += self._memory()
        if self.imports:
            lines += self._imports()
        if self.emulator is not None:
            lines += self._emulator()
        lines += self.sections
        lines += self._method()
        return "\n".join(lines) + "\n"

    def _ours(self, workload: str) -> Row | None:
        for row in self.workloads.get(workload, []):
            if row.contender == "ours":
                return row
        return None

    def _targets(self) -> list[str]:
        lines = [
            "## Targets",
            "",
            "| workload | target | ours | met |",
            "| --- | --- | --- | --- |",
        ]
        for workload, (limit, description) in TARGETS.items():
            ours = self._ours(workload)
            if ours is None:
                continue
            met = "yes" if ours.ratio <= limit else "**no**"
            lines.append(f"| {workload} | {description} | {ours.ratio:.2f}x | {met} |")
            if workload == "W4" and self.memory:
                name, short, peak_short, long, peak_long = self.memory[0]
                grows = peak_long > peak_short * MEMORY_SLACK
                lines.append(
                    f"| W4 | memory does not grow with users walked | {peak_short:.1f} MB at"
                    f" {short:,} users, {peak_long:.1f} MB at {long:,} |"
                    f" {'**no**' if grows else 'yes'} |"
                )
        official = self._import_row(OFFICIAL_IMPORT)
        for name in ("ours: clerk_async", "ours: clerk_sync"):
            row = self._import_row(name)
            if row is None or official is None or not row.ready_s or not official.ready_s:
                continue
            ratio = row.ready_s / official.ready_s
            lines.append(
                f"| W6 | `{name.split()[-1]}` import to a ready client under half the official"
                f" SDK's | {ratio:.2f}x ({_time(row.ready_s)} vs {_time(official.ready_s)}) |"
                f" {'yes' if ratio < 0.5 else '**no**'} |"
            )
        return [*lines, *self.extra_targets, ""]

    def _import_row(self, name: str) -> ImportRow | None:
        for row in self.imports:
            if row.contender == name:
                return row
        return None

    def _workload(self, workload: str, rows: list[Row]) -> list[str]:
        title, op, rate = TITLES[workload]
        memory = workload == "W4"
        head = f"| contender | {op}s | client CPU per {op} | spread | wall per {op} | {rate} |"
        floor = FLOORS.get(workload) or next(r.contender for r in rows if r.is_floor)
        head += " " + RATIO_COLUMNS.get(workload, "CPU vs {floor}").format(floor=floor) + " |"
        rule = "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
        if memory:
            head += " ru_maxrss growth |"
            rule += " ---: |"
        lines = [f"## {title}", "", head, rule]
        for row in rows:
            name = f"{row.contender} (floor)" if row.is_floor else row.contender
            if row.contender == "ours":
                name = "**ours**"
            line = (
                f"| {name} | {row.count:,} | {_time(row.cpu_per_op)} | ±{row.cpu_spread:.0%} |"
                f" {_time(row.wall_per_op)} | {_rate(row.wall_per_op)} | {row.ratio:.2f}x |"
            )
            if memory:
                line += f" {row.extra.get('maxrss_delta_mb', 0.0):.1f} MB |"
            lines.append(line)
        return [*lines, ""]

    def _memory(self) -> list[str]:
        lines = [
            "W4 memory: tracemalloc peak over the walk (Python allocations, one run each; the table"
            " above gives the growth of ru_maxrss over the timed walk).",
            "",
            "| contender | short walk | peak | long walk | peak | growth |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, short, peak_short, long, peak_long in self.memory:
            label = "**ours**" if name == "ours" else name
            lines.append(
                f"| {label} | {short:,} users | {peak_short:.1f} MB | {long:,} users |"
                f" {peak_long:.1f} MB | {peak_long / peak_short:.2f}x |"
            )
        return [*lines, ""]

    def _imports(self) -> list[str]:
        official = self._import_row(OFFICIAL_IMPORT)
        lines = [
            "## W6: cold start (fresh interpreter)",
            "",
            "Ready: import, build the client, touch `clerk.users`. First response: the same, then"
            " one `users.get` answered (ours async is compared with the official SDK's"
            " `get_async`, ours sync with its `get`).",
            "",
            "| contender | ready | spread | vs official SDK | first response | vs official SDK |"
            " whole `python -c` (ready) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in self.imports:
            name = f"**{row.contender}**" if row.contender.startswith("ours") else row.contender
            ready_ratio = first_ratio = "-"
            if row.ready_s and official and official.ready_s:
                ready_ratio = f"{row.ready_s / official.ready_s:.2f}x"
            rival = self._import_row(row.rival) if row.rival else None
            if row.first_s and rival and rival.first_s:
                first_ratio = f"{row.first_s / rival.first_s:.2f}x"
            spread = "-" if row.ready_spread is None else f"±{row.ready_spread:.0%}"
            lines.append(
                f"| {name} | {_opt_time(row.ready_s)} | {spread} | {ready_ratio} |"
                f" {_opt_time(row.first_s)} | {first_ratio} | {_opt_time(row.process_s)} |"
            )
        return [*lines, ""]

    def _emulator(self) -> list[str]:
        assert self.emulator is not None
        return [
            "## Emulator: `GET /v1/users/{user_id}` on one core",
            "",
            "`python -m clerk_async.emulator --rate-limit off` pinned to one core; a raw aiohttp"
            " load generator (64 concurrent tasks) on the other. The emulator's CPU comes from"
            " `/proc/<pid>/stat`.",
            "",
            "| requests | emulator CPU per request | requests per second of one core |"
            " wall-clock rate (64 concurrent) |",
            "| ---: | ---: | ---: | ---: |",
            f"| {self.emulator['requests']:,} | {_time(self.emulator['cpu_per_request'])} |"
            f" {_rate(self.emulator['cpu_per_request'])} | {self.emulator['wall_rate']:,.0f} |",
            "",
        ]

    def _method(self) -> list[str]:
        return [
            "## Method",
            "",
            f"- Every contender runs in a fresh process, {self.reps} repetition(s), contenders"
            " alternating in a rotated order; figures are medians, spread is half the range"
            " over the median, and ratios are medians of the per-repetition ratios.",
            "- Client CPU is `getrusage(RUSAGE_SELF)` user + sys of the client process over the"
            " timed part only, after a warm-up (256 requests: every pooled connection open, every"
            " decoder and model built).",
            "- The server is a raw asyncio protocol answering from pre-encoded realistic users"
            " (3.8 kB each: email addresses, phone numbers, web3 wallets, passkeys, external"
            " accounts with verifications, metadata), in its own process on its own core.",
            "- Ours is `clerk_async` / `clerk_sync` with default settings (retries on, no logging);"
            " the official SDK is `clerk_backend_api.Clerk(bearer_auth=..., server_url=...)` with"
            " its defaults. Being 10-50x slower per call, it does a fraction of the work"
            " (its row says how much); every figure is per operation.",
            "- Floors: what a hand-written client does with the same library (aiohttp"
            " `ClientSession`, urllib3 `PoolManager`, `http.client.HTTPConnection` keep-alive),"
            " reading the body as bytes, or decoding it with `json.loads` / `orjson.loads`.",
            "",
        ]
