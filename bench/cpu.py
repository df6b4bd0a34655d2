"""Where the CPU of a login goes: CPU seconds per process group over a measured window.

Read from ``/proc/<pid>/stat`` (user + system time), so Linux only; elsewhere nothing is
measured. The groups are the bench's own processes (identity workers, lockout, this client)
and the servers on the same machine (every ``postgres`` process, RabbitMQ's ``beam.smp``).
Divided by the logins of the window it says how many milliseconds of CPU each component spends
per login, and so how far the login/argon2 ratio can go on this machine: with every core busy,
logins/s ≈ cores / CPU per login, while raw verifies/s ≈ cores / CPU per verify.

>>> meter = CpuMeter({"identity": [1234]})   # doctest: +SKIP
>>> meter.start(); ...; meter.stop(calls=200); meter.runs[-1]   # doctest: +SKIP
{'identity': 51.2, ..., 'total': 80.1}
"""

from __future__ import annotations

import functools
import os
import statistics
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")
SERVERS = {"postgres": ("postgres",), "rabbitmq": ("beam.smp",)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far; 0 if it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def processes_named(names: tuple[str, ...]) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class CpuMeter:
    """CPU milliseconds per call of each group between :meth:`start` and :meth:`stop`, one
    dict per window in :attr:`runs`."""

    def __init__(self, groups: dict[str, list[int]]):
        self.available = PROC.joinpath("self", "stat").exists()
        self.groups: dict[str, Callable[[], list[int]]] = {
            name: functools.partial(list, pids) for name, pids in groups.items()
        }
        self.groups["bench client"] = functools.partial(list, [os.getpid()])
        for name, comms in SERVERS.items():
            self.groups[name] = functools.partial(processes_named, comms)
        self._started: dict[str, float] = {}
        self.runs: list[dict[str, float]] = []

    def _read(self) -> dict[str, float]:
        return {name: sum(map(cpu_seconds, pids())) for name, pids in self.groups.items()}

    def start(self) -> None:
        if self.available:
            self._started = self._read()

    def stop(self, calls: int) -> None:
        """Records the window's milliseconds of CPU per call, by group and in total.

        Server processes started or ended within the window are counted from zero or lost:
        PostgreSQL backends live as long as the services' pools, which outlive the window.
        """
        if not self.available or not self._started or calls <= 0:
            return
        now = self._read()
        spent = {name: 1000 * (now[name] - self._started.get(name, 0.0)) / calls for name in now}
        spent["total"] = sum(spent.values())
        self.runs.append(spent)
        self._started = {}

    def medians(self) -> dict[str, float]:
        """Each group's median over the windows measured."""
        if not self.runs:
            return {}
        return {name: statistics.median(run[name] for run in self.runs) for name in self.runs[0]}
