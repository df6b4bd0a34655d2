"""Load generators: closed-loop throughput with concurrent clients, sequential latencies.

>>> rate = throughput([lambda: None], seconds=0.1)   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import eventlet

from .cpu import CpuMeter


def throughput(
    calls: Sequence[Callable[[], Any]],
    seconds: float,
    meter: CpuMeter | None = None,
    settle: Callable[[], Any] | None = None,
) -> float:
    """Completed calls per second: one green thread per call, each calling it in a loop.

    Each thread calls once before the clock starts (connections, caches), then starts calls
    until ``seconds`` have passed; every call started counts, and the rate is divided by the
    time until the last one completed (slow calls, longer than the window, still count).
    ``meter``, if given, measures the CPU spent from the clock's start to the last call, or
    until ``settle`` returns if given: it waits for the work the calls left to other processes
    (events consumed after the answer), so that its CPU counts in the window that caused it.
    """
    pool = eventlet.GreenPool(len(calls))
    for call in calls:
        pool.spawn(call)
    pool.waitall()
    if settle is not None:
        settle()  # the first calls' work is not the window's
    if meter is not None:
        meter.start()
    start = time.perf_counter()
    deadline = start + seconds
    counts = [0] * len(calls)

    def loop(index: int, call: Callable[[], Any]) -> None:
        while time.perf_counter() < deadline:
            call()
            counts[index] += 1

    for index, call in enumerate(calls):
        pool.spawn(loop, index, call)
    pool.waitall()
    rate = sum(counts) / (time.perf_counter() - start)
    if settle is not None:
        settle()
    if meter is not None:
        meter.stop(sum(counts))
    return rate


def latencies_ms(call: Callable[[], Any], samples: int) -> list[float]:
    """``samples`` sequential calls, each timed (ms); one untimed call first."""
    call()
    timed = []
    for _ in range(samples):
        start = time.perf_counter()
        call()
        timed.append((time.perf_counter() - start) * 1000)
    return timed
