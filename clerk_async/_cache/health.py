"""Whether the shared store is worth asking: fail open, warn once, recover by itself.

After a failure the store is skipped (reads go to Clerk) until a retry time that doubles up to a
cap; the first call after it probes the store again. Only the change from working to failing is
logged as a warning, and the recovery once. The rate limiter's Redis store uses it too, with its own
logger and words.
"""

from __future__ import annotations

import logging
import threading
import time

__all__ = ["StoreHealth"]

logger = logging.getLogger("clerk.cache")

FIRST_RETRY_S = 0.5
MAX_RETRY_S = 5.0


class StoreHealth:
    __slots__ = ("_delay", "_lock", "_log", "_meanwhile", "_name", "_retry_at", "down")

    def __init__(
        self,
        name: str,
        *,
        what: str = "cache store",
        log: logging.Logger = logger,
        meanwhile: str = "reading from Clerk",
    ) -> None:
        self._name = f"{what} {name}"
        self._log = log
        self._meanwhile = meanwhile
        self._lock = threading.Lock()
        self.down = False
        self._retry_at = 0.0
        self._delay = FIRST_RETRY_S

    def usable(self) -> bool:
        """False while the store is resting after a failure."""
        return not self.down or time.monotonic() >= self._retry_at

    def failed(self, error: BaseException) -> None:
        with self._lock:
            first = not self.down
            if first:
                self._delay = FIRST_RETRY_S
            else:
                self._delay = min(self._delay * 2, MAX_RETRY_S)
            self.down = True
            self._retry_at = time.monotonic() + self._delay
        if first:
            # The error's class and text only: a Redis URL with a password never reaches a log.
            self._log.warning(
                "%s failed (%s); %s until it answers again",
                self._name,
                type(error).__name__,
                self._meanwhile,
            )

    def succeeded(self) -> bool:
        """Record a success; True when it ends a failure (the caller replays what it missed)."""
        if not self.down:
            return False
        with self._lock:
            if not self.down:
                return False
            self.down = False
            self._delay = FIRST_RETRY_S
        self._log.warning("%s answers again", self._name)
        return True
