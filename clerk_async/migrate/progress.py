"""Showing a run as it goes: a rich progress bar on a terminal, a log line every few seconds else.

Both take the runner's :class:`~clerk_async.migrate.runner.Progress` snapshots; the bar shows
records settled out of those to send, the rate, created, failed, 429s and the time left.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO, Any

from .runner import Progress

__all__ = ["LogLines", "ProgressBar", "progress_display"]

#: Seconds between two log lines when the output is not a terminal.
LOG_EVERY = 5.0


class LogLines:
    """One line every ``every`` seconds (and a last one): for CI logs and redirected output."""

    def __init__(self, label: str, out: IO[str], every: float = LOG_EVERY) -> None:
        self.label = label
        self.out = out
        self.every = every
        self._last = 0.0
        self._latest: Progress | None = None

    def __enter__(self) -> LogLines:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._latest is not None:
            self._write(self._latest)

    def update(self, progress: Progress) -> None:
        self._latest = progress
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._write(progress)

    def _write(self, progress: Progress) -> None:
        settled = progress.settled
        rate = settled / progress.elapsed if progress.elapsed > 0 else 0.0
        total = progress.total
        share = f"{settled:,}/{total:,} ({settled / total:.0%})" if total else f"{settled:,}"
        eta = ""
        if total and rate > 0:
            eta = f", about {max(0.0, (total - settled) / rate):,.0f} s left"
        self.out.write(
            f"{time.strftime('%H:%M:%S')} {self.label} {share}, {rate:,.1f}/s: created "
            f"{progress.created:,}, failed {progress.failed:,}, conflicts {progress.conflicts:,}, "
            f"429s {progress.rate_limited:,}{eta}\n"
        )
        self.out.flush()


class ProgressBar:
    """A rich progress bar with the run's counters beside it."""

    def __init__(self, label: str, out: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import (
            Progress as RichProgress,
        )

        self._bar = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}/s"),
            TextColumn("created {task.fields[created]}"),
            TextColumn("failed {task.fields[failed]}"),
            TextColumn("429s {task.fields[limited]}"),
            TimeRemainingColumn(),
            console=Console(file=out),
            transient=False,
        )
        self._task = self._bar.add_task(label, total=None, **_fields(None, 0.0))

    def __enter__(self) -> ProgressBar:
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._bar.stop()

    def update(self, progress: Progress) -> None:
        settled = progress.settled
        rate = settled / progress.elapsed if progress.elapsed > 0 else 0.0
        self._bar.update(
            self._task, completed=settled, total=progress.total, **_fields(progress, rate)
        )


def _fields(progress: Progress | None, rate: float) -> dict[str, Any]:
    if progress is None:
        return {"rate": "0.0", "created": 0, "failed": 0, "limited": 0}
    return {
        "rate": f"{rate:,.1f}",
        "created": f"{progress.created:,}",
        "failed": f"{progress.failed:,}",
        "limited": f"{progress.rate_limited:,}",
    }


def progress_display(label: str, out: IO[str] | None = None) -> LogLines | ProgressBar:
    """A bar when ``out`` (default stderr) is a terminal, log lines otherwise."""
    stream = out if out is not None else sys.stderr
    if stream.isatty():
        return ProgressBar(label, stream)
    return LogLines(label, stream)
