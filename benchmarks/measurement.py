"""What a contender is given (``Params``) and what it hands back (``Measurement``), and the
``Meter`` that measures it: shared by every workload module and by ``child``."""

from __future__ import annotations

import gc
import resource
import time
from dataclasses import dataclass, field

from benchmarks import fixtures

__all__ = ["Measurement", "Meter", "Params"]


@dataclass(frozen=True)
class Params:
    origin: str  # http://127.0.0.1:PORT
    count: int  # decodes (W1), requests (W2, W3, W5) or users walked (W4)
    concurrency: int = 64
    page_size: int = fixtures.PAGE_SIZE
    trace_memory: bool = False  # W4: tracemalloc peak instead of timing

    @property
    def url(self) -> str:
        return self.origin + "/v1"

    @property
    def walk_url(self) -> str:
        """A server URL whose user list holds exactly ``count`` users (W4)."""
        return f"{self.origin}/n{self.count}/v1"


@dataclass
class Measurement:
    ops: int
    cpu_s: float
    wall_s: float
    extra: dict[str, float] = field(default_factory=dict)


class Meter:
    """Client CPU and wall time over a block, after a full collection."""

    def __enter__(self) -> Meter:
        gc.collect()
        self._usage = resource.getrusage(resource.RUSAGE_SELF)
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall_s = time.perf_counter() - self._wall
        usage = resource.getrusage(resource.RUSAGE_SELF)
        before = self._usage
        self.cpu_s = usage.ru_utime - before.ru_utime + usage.ru_stime - before.ru_stime

    def result(self, ops: int, **extra: float) -> Measurement:
        return Measurement(ops, self.cpu_s, self.wall_s, dict(extra))
