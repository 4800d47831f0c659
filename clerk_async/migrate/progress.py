"""Showing a long command as it goes (an import, a rollback, an export): a rich progress bar on a
terminal, and a log line every few seconds otherwise (a CI log, output sent to a file).

Both take snapshots (:class:`Snapshot`: the runner's ``Progress``, the rollback's summary, the
export's count) and show what is settled out of the total, the rate, the command's own counters
and the time left.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import IO, Any, Protocol

__all__ = ["LogLines", "ProgressBar", "Snapshot", "progress_display"]


class Snapshot(Protocol):
    """Where a long command stands."""

    @property
    def total(self) -> int | None:
        """What there is to settle in all (None: not known)."""

    @property
    def settled(self) -> int:
        """What is settled so far."""

    @property
    def elapsed(self) -> float:
        """Seconds since the command began."""

    def counters(self) -> list[tuple[str, int]]:
        """The command's own counts, by label (``created``, ``429s``...)."""


#: Seconds between two log lines when the output is not a terminal.
LOG_EVERY = 5.0


class LogLines:
    """One line every ``every`` seconds (and a last one): for CI logs and redirected output."""

    def __init__(self, label: str, out: IO[str], every: float = LOG_EVERY) -> None:
        self.label = label
        self.out = out
        self.every = every
        self._last: float | None = None
        self._latest: Snapshot | None = None

    def __enter__(self) -> LogLines:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._latest is not None:
            self._write(self._latest)

    def update(self, progress: Snapshot) -> None:
        self._latest = progress
        now = time.monotonic()
        if self._last is None or now - self._last >= self.every:  # the first one at once
            self._last = now
            self._write(progress)

    def _write(self, progress: Snapshot) -> None:
        settled = progress.settled
        rate = settled / progress.elapsed if progress.elapsed > 0 else 0.0
        total = progress.total
        share = f"{settled:,}/{total:,} ({settled / total:.0%})" if total else f"{settled:,}"
        eta = ""
        if total and rate > 0:
            eta = f", about {max(0.0, (total - settled) / rate):,.0f} s left"
        counts = ", ".join(f"{label} {count:,}" for label, count in progress.counters())
        self.out.write(
            f"{time.strftime('%H:%M:%S')} {self.label} {share}, {rate:,.1f}/s"
            f"{': ' if counts else ''}{counts}{eta}\n"
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
            TextColumn("{task.fields[counts]}"),
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

    def update(self, progress: Snapshot) -> None:
        settled = progress.settled
        rate = settled / progress.elapsed if progress.elapsed > 0 else 0.0
        self._bar.update(
            self._task, completed=settled, total=progress.total, **_fields(progress, rate)
        )


def _fields(progress: Snapshot | None, rate: float) -> dict[str, Any]:
    if progress is None:
        return {"rate": "0.0", "counts": ""}
    counts = "  ".join(f"{label} {count:,}" for label, count in progress.counters())
    return {"rate": f"{rate:,.1f}", "counts": counts}


def progress_display(label: str, out: IO[str] | None = None) -> LogLines | ProgressBar:
    """A bar when ``out`` (default stderr) is a terminal, log lines otherwise."""
    stream = out if out is not None else sys.stderr
    if stream.isatty():
        return ProgressBar(label, stream)
    return LogLines(label, stream)
