"""CPU affinity for the pinned login figure: a process and every thread it has, on given cores.

Linux only (``os.sched_setaffinity``); :func:`can_pin` says whether the figure can be pinned.
The servers (PostgreSQL, RabbitMQ) are never touched: they are the machine's, not the bench's.

>>> with pinned({identity_pid: {1}, os.getpid(): {0}}):   # doctest: +SKIP
...     ...   # measured; every process is back on all cores afterwards
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def cores() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def can_pin() -> bool:
    return len(cores()) >= 2


def pin(pid: int, cpus: set[int]) -> None:
    """Every thread of ``pid`` on ``cpus`` (threads started later inherit it)."""
    tasks = Path(f"/proc/{pid}/task")
    for tid in [int(t.name) for t in tasks.iterdir()] if tasks.exists() else [pid]:
        try:
            os.sched_setaffinity(tid, cpus)
        except ProcessLookupError:  # a thread that ended meanwhile
            continue


@contextmanager
def pinned(placement: dict[int, set[int]]) -> Iterator[None]:
    """Pins each pid to its cores for the block, then gives every one all cores back."""
    everywhere = set(cores())
    try:
        for pid, cpus in placement.items():
            pin(pid, cpus)
        yield
    finally:
        for pid in placement:
            try:
                pin(pid, everywhere)
            except (ProcessLookupError, FileNotFoundError):
                continue
