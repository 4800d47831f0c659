"""``python -m clerk_async.emulator`` (also ``clerk-emulator``): serve until stopped.

Prints the base URL, then ``CLERK_API_URL=...`` and ``CLERK_SECRET_KEY=...`` lines (the two
variables a ``Clerk()`` client reads when given no arguments; with ``--webhook-url``, also
``CLERK_WEBHOOK_SIGNING_SECRET=...``, the variable ``verify_webhook`` reads), then serves until
SIGINT or SIGTERM.
The fault options are fractions of requests (``--error-rate 0.05``), seeded by ``--fault-seed``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Sequence

from .faults import Faults
from .ratelimit import parse_rate_limit
from .runner import ClerkEmulator
from .webhooks import WebhookSender

__all__ = ["main", "parse_args"]


def _seconds(text: str) -> float:
    """``250ms``, ``0.25s`` or ``0.25`` (seconds)."""
    value = text.strip().lower()
    try:
        if value.endswith("ms"):
            return float(value[:-2]) / 1000
        return float(value.removesuffix("s"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r}") from None


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _rate_limit(text: str) -> str:
    try:
        parse_rate_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    parser = argparse.ArgumentParser(
        prog=invoked if invoked.startswith("clerk-emulator") else "python -m clerk_async.emulator",
        description="Serve a local, in-memory Clerk Backend API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: any free port)")
    parser.add_argument("--secret-key", help="the key clients must send (default: random)")
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default="100/10s",
        help="requests per period, e.g. 100/10s (development), 1000/10s (production), or off",
    )
    parser.add_argument(
        "--user-limit",
        type=int,
        default=None,
        help="hold at most this many users, like a development instance (100); default: no cap",
    )
    parser.add_argument(
        "--log-requests",
        action="store_true",
        help="keep when each request came in (GET /__emulator/requests), for pacing benchmarks",
    )
    hooks = parser.add_argument_group("webhooks (Svix-signed, as Clerk sends them)")
    hooks.add_argument("--webhook-url", help="POST an event of every state change to this URL")
    hooks.add_argument(
        "--webhook-secret", help="the whsec_... signing secret (default: random, printed)"
    )
    faults = parser.add_argument_group("fault injection (fractions of requests)")
    faults.add_argument("--error-rate", type=_fraction, default=0.0, help="answer 500/502/503")
    faults.add_argument(
        "--error-statuses", default="500,502,503", help="comma-separated 5xx statuses to use"
    )
    faults.add_argument("--latency", type=_seconds, default=0.0, help="added delay, e.g. 50ms")
    faults.add_argument("--latency-jitter", type=_seconds, default=0.0, help="up to this more")
    faults.add_argument(
        "--drop-before", type=_fraction, default=0.0, help="close the connection, nothing applied"
    )
    faults.add_argument(
        "--drop-after", type=_fraction, default=0.0, help="apply, then close without answering"
    )
    faults.add_argument("--fault-methods", help="only these methods, e.g. POST,PATCH")
    faults.add_argument("--fault-seed", type=int, default=0, help="seed of the fault sequence")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, Faults]:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        statuses = tuple(int(s) for s in args.error_statuses.split(",") if s.strip())
        methods = (
            frozenset(m.strip().upper() for m in args.fault_methods.split(",") if m.strip())
            if args.fault_methods
            else None
        )
        faults = Faults(
            error_rate=args.error_rate,
            error_statuses=statuses,
            latency=args.latency,
            latency_jitter=args.latency_jitter,
            drop_before=args.drop_before,
            drop_after=args.drop_after,
            methods=methods,
            seed=args.fault_seed,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.webhook_secret and not args.webhook_url:
        parser.error("--webhook-secret needs --webhook-url")
    if args.webhook_url:
        try:  # the same checks as the emulator's, reported as usage errors
            WebhookSender(args.webhook_url, args.webhook_secret, instance_id="")
        except ValueError as exc:
            parser.error(str(exc))
    return args, faults


async def serve(args: argparse.Namespace, faults: Faults) -> None:
    emulator = ClerkEmulator(
        secret_key=args.secret_key,
        host=args.host,
        port=args.port,
        rate_limit=args.rate_limit,
        faults=faults,
        user_limit=args.user_limit,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
    )
    if args.log_requests:
        emulator.emulator.request_log = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with emulator:
        limit = emulator.rate_limit
        print(f"Clerk emulator listening on {emulator.url}")
        print(f"CLERK_API_URL={emulator.url}")
        print(f"CLERK_SECRET_KEY={emulator.secret_key}")
        if emulator.webhook_secret is not None:
            print(f"CLERK_WEBHOOK_SIGNING_SECRET={emulator.webhook_secret}")
            print(f"webhooks: to {args.webhook_url}")
        print(
            f"rate limit: {'off' if limit is None else limit}; "
            f"faults: {'on' if faults.enabled else 'off'}. Stop with Ctrl-C.",
            flush=True,
        )
        await stop.wait()
    print("Clerk emulator stopped.", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args, faults = parse_args(argv)
    try:
        asyncio.run(serve(args, faults))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"clerk-emulator: {exc}", file=sys.stderr)
        return 1
    return 0
