"""Progress lines for long commands: count, rate and time left, at most every few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """`advance()` as work is done; a line is written when `every` seconds passed, and at `finish()`."""

    def __init__(
        self,
        label: str,
        total: int | None,
        write: Callable[[str], None],
        every: float = 2.0,
        unit: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.total, self.write, self.every, self.unit, self.clock = label, total, write, every, unit, clock
        self.done = 0
        self.started = clock()
        self._last = self.started

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            percent = 100 * self.done / self.total
            left = (self.total - self.done) / rate if rate > 0 else None
            eta = f" · about {_duration(left)} left" if left is not None and self.done < self.total else ""
            return f"{self.label}: {self.done:,}/{self.total:,}{unit} ({percent:.0f}%) · {rate:,.1f}/s{eta}"
        return f"{self.label}: {self.done:,}{unit} · {rate:,.1f}/s"

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self.clock()
        if now - self._last >= self.every:
            self._last = now
            self.write(self.line())

    def finish(self) -> None:
        elapsed = self.clock() - self.started
        self.write(f"{self.line()} · done in {_duration(elapsed)}")
