"""W8: verify the webhook spec's ``user.created`` example, ours against Svix and the floor.

Each contender runs in a fresh process pinned to one core (``python -m benchmarks.webhooks
CONTENDER --count N``), contenders alternating over the repetitions as in the other workloads. One
operation verifies one webhook: the body is the spec's ``user.created`` example as compact JSON
(as Clerk sends it), signed a moment before with a random 24-byte ``whsec_`` secret; the headers
are a dict with lower-case names (what ASGI frameworks hand over).

- ours: ``verify_webhook`` (signature, timestamp against the clock, typed ``UserCreatedEvent``);
- ours, signature only: ``verify_webhook_signature``;
- svix: ``svix.webhooks.Webhook(secret).verify`` (built once), alone and followed by
  ``json.loads``;
- the floor: the three header lookups, ``hmac.digest`` of ``id.timestamp.body``, ``base64`` and
  ``hmac.compare_digest``, with the key decoded once (no timestamp or format checks).
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import os
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.measurement import Measurement, Meter
from benchmarks.process import run_measurement
from benchmarks.report import Row

__all__ = ["CONTENDERS", "FLOOR", "TITLE", "measure", "target_lines"]

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "clerk-openapi" / "webhooks-2025-04-15.yml"
TITLE = ("W8: verify the spec's `user.created` webhook", "webhook", "webhooks/s")
OURS = "ours"
SIGNATURE_ONLY = "ours: signature only"
SVIX = "svix verify"
SVIX_JSON = "svix verify + json.loads"
FLOOR = "hmac + base64 + compare_digest"
#: (the contender, what it is measured against, the most it may cost, description)
TARGETS = (
    (SIGNATURE_ONLY, FLOOR, 1.5, "signature check within 1.5x of hmac + base64 + compare_digest"),
    (OURS, SVIX_JSON, 1.0, "verify + typed decode faster than svix verify + `json.loads`"),
)
WARMUP = 2_000

Setup = Callable[[bytes, dict[str, str], str], Callable[[], object]]


def example_body() -> bytes:
    import yaml  # type: ignore[import-untyped]

    spec = yaml.load(SPEC.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    example = spec["x-webhooks"]["user.created"]["post"]["requestBody"]["content"]
    return json.dumps(example["application/json"]["example"], separators=(",", ":")).encode()


def _ours(body: bytes, headers: dict[str, str], secret: str) -> Callable[[], object]:
    from clerk_async.webhooks import UserCreatedEvent, verify_webhook

    assert isinstance(verify_webhook(body, headers, secret), UserCreatedEvent)
    return lambda: verify_webhook(body, headers, secret)


def _signature_only(body: bytes, headers: dict[str, str], secret: str) -> Callable[[], object]:
    from clerk_async.webhooks import verify_webhook_signature

    return lambda: verify_webhook_signature(body, headers, secret)


def _svix(body: bytes, headers: dict[str, str], secret: str) -> Callable[[], object]:
    from svix.webhooks import Webhook

    webhook = Webhook(secret)
    return lambda: webhook.verify(body, headers)


def _svix_json(body: bytes, headers: dict[str, str], secret: str) -> Callable[[], object]:
    from svix.webhooks import Webhook

    webhook = Webhook(secret)

    def run() -> object:
        webhook.verify(body, headers)
        return json.loads(body)

    return run


def _floor(body: bytes, headers: dict[str, str], secret: str) -> Callable[[], object]:
    key = base64.b64decode(secret.removeprefix("whsec_"))

    def run() -> object:
        msg_id = headers["svix-id"]
        stamp = headers["svix-timestamp"]
        signature = headers["svix-signature"]
        content = b"%s.%s.%s" % (msg_id.encode(), stamp.encode(), body)
        expected = base64.b64encode(hmac.digest(key, content, "sha256"))
        if not hmac.compare_digest(expected, signature[3:].encode()):
            raise AssertionError("the floor rejected a valid webhook")
        return None

    return run


CONTENDERS: dict[str, Setup] = {
    OURS: _ours,
    SIGNATURE_ONLY: _signature_only,
    SVIX_JSON: _svix_json,
    SVIX: _svix,
    FLOOR: _floor,
}


def run_contender(name: str, count: int) -> Measurement:
    from clerk_async.webhooks import sign_webhook

    secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
    body = example_body()
    headers = sign_webhook(body, secret)
    operation = CONTENDERS[name](body, headers, secret)
    for _ in range(WARMUP):
        operation()
    with Meter() as meter:
        for _ in range(count):
            operation()
    return Measurement(ops=count, cpu_s=meter.cpu_s, wall_s=meter.wall_s)


# -- the parent: fresh processes, rotated, medians ----------------------------------------------


def measure(reps: int, count: int, cpu: int | None, log: Callable[[str], None]) -> list[Row] | None:
    """One Row per contender, ratios to the floor per repetition; None without the spec."""
    if not SPEC.exists():
        log(f"W8: skipped, no webhook spec at {SPEC}")
        return None
    names = list(CONTENDERS)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            result = _child(name, count, cpu)
            runs[name].append(result)
            per_op = result["cpu_s"] / result["ops"]
            log(f"  W8 rep {rep + 1}/{reps} {name:<32} {per_op * 1e6:10.2f} us CPU/op")
    return [_row(name, count, runs[name], runs[FLOOR]) for name in names]


def _child(name: str, count: int, cpu: int | None) -> dict[str, Any]:
    return run_measurement(
        "benchmarks.webhooks", name, "--count", str(count), cpu=cpu, what=f"W8 {name}"
    )


def _row(name: str, count: int, runs: list[dict[str, Any]], floor: list[dict[str, Any]]) -> Row:
    cpu = [run["cpu_s"] / run["ops"] for run in runs]
    wall = [run["wall_s"] / run["ops"] for run in runs]
    ratios = [
        (run["cpu_s"] / run["ops"]) / (base["cpu_s"] / base["ops"])
        for run, base in zip(runs, floor, strict=True)
    ]
    median = statistics.median(cpu)
    return Row(
        contender=name,
        count=count,
        cpu_per_op=median,
        cpu_spread=(max(cpu) - min(cpu)) / 2 / median,
        wall_per_op=statistics.median(wall),
        ratio=statistics.median(ratios),
        is_floor=name == FLOOR,
    )


def target_lines(rows: list[Row]) -> list[str]:
    """Rows of the report's target table."""
    by_name = {row.contender: row for row in rows}
    lines = []
    for name, against, limit, description in TARGETS:
        ratio = by_name[name].cpu_per_op / by_name[against].cpu_per_op
        met = "yes" if ratio <= limit and (limit > 1.0 or ratio < 1.0) else "**no**"
        lines.append(f"| W8 | {description} | {ratio:.2f}x | {met} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one W8 contender.")
    parser.add_argument("contender", choices=list(CONTENDERS))
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--cpu", type=int, default=None, help="pin this process to one core")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    sys.stdout.write(json.dumps(asdict(run_contender(args.contender, args.count))) + "\n")


if __name__ == "__main__":
    main()
