"""Progress for a batch run: a bar on a terminal, plain lines otherwise (logs, CI), and the closing summary."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from typing import TextIO


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did: ``rows`` in the input, ``skipped`` because already written, the rest written now."""

    rows: int
    written: int  #: records written by this run
    critiqued: int
    errors: int
    skipped: int  #: rows already in the output (``--resume``)
    seconds: float
    first_result_seconds: float | None  #: from the start to the first batch written: the engine's start-up plus one batch
    output: str
    engine: str
    workers: int

    @property
    def rows_per_second(self) -> float:
        return self.written / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "rows_per_second": round(self.rows_per_second, 2)}

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        done = f"{self.written:,} rows written ({self.critiqued:,} critiqued, {self.errors:,} errors)"
        skipped = f", {self.skipped:,} already done" if self.skipped else ""
        return (f"{done}{skipped} of {self.rows:,} in {self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s, "
                f"engine {self.engine}, {self.workers} worker{'s' if self.workers != 1 else ''}) -> {self.output}")


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """Rows done out of ``total``, with rows/s and ETA; redrawn in place on a terminal, a line every ``interval`` s otherwise."""

    WIDTH = 24

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True, tty: bool | None = None, interval: float = 10.0) -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = interval if not self.tty else 0.1
        self.start = time.perf_counter()
        self._last = 0.0
        self._t0: float | None = None
        self._d0 = 0

    def status(self) -> str:
        # the rate counts from the first batch on, so the engine's start-up does not drag it down
        elapsed = time.perf_counter() - self._t0 if self._t0 is not None else 0.0
        rate = (self.done - self._d0) / elapsed if elapsed > 0 else 0.0
        eta = _duration((self.total - self.done) / rate) if rate > 0 else "?"
        pct = 100.0 * self.done / self.total if self.total else 100.0
        if self.tty:
            filled = int(self.WIDTH * self.done / self.total) if self.total else self.WIDTH
            bar = "#" * filled + "." * (self.WIDTH - filled)
            return f"{self.done:,}/{self.total:,} [{bar}] {pct:3.0f}%  {rate:,.0f} rows/s  ETA {eta}"
        return f"refernlp batch: {self.done:,}/{self.total:,} rows ({pct:.0f}%), {rate:,.0f} rows/s, ETA {eta}"

    def update(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if self._t0 is None:
            self._t0, self._d0 = now, self.done
        if self.enabled and now - self._last >= self.interval:
            self._last = now
            if self.tty:
                self.stream.write("\r\x1b[2K" + self.status())
            else:
                self.stream.write(self.status() + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
