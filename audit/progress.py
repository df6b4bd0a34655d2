"""A plain progress bar on stderr, shown only on a terminal and only for long runs."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress("identity", total) as bar: bar.advance()``: redraws at most 10 times a
    second, prints nothing when stderr is not a terminal (CI logs, tests)."""

    WIDTH = 30

    def __init__(self, label: str, total: int, stream: TextIO | None = None):
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._drawn_at = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.enabled and time.monotonic() - self._drawn_at >= 0.1:
            self._draw()

    def _draw(self) -> None:
        self._drawn_at = time.monotonic()
        filled = self.WIDTH * min(self.done, self.total) // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label:<13} [{bar}] {self.done}/{self.total}")
        self.stream.flush()
