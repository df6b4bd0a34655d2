"""Where a login's CPU goes, per process: py-spy samples of the service processes during the
bench's login windows, then their self time grouped by what it is spent on.

Off unless ``BENCH_PROFILE_DIR`` is set (``BENCH_PROFILE_DIR=var/profile python -m bench.run
--mode quick --only login,peer``): py-spy then records each process of the window (identity,
lockout, the gateway over HTTP) without pausing it (``--nonblocking``, only running threads),
one collapsed-stack file per process and window. ``python -m bench.profile var/profile``
prints, per file, the share of samples by group and the heaviest functions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RATE_HZ = 200
#: first match wins: (group, substrings of a frame's "function (file:line)")
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("argon2 (hashing)", ("argon2/", "_argon2", "low_level.py")),
    ("crypto: JWT, AES, HMAC", ("joserfc", "cryptography/", "hmac.py", "hashlib")),
    ("PostgreSQL client (psycopg, pool)", ("psycopg", "psycopg_pool")),
    ("eventsourcing (mapper, aggregates)", ("eventsourcing/",)),
    ("JSON (orjson, json)", ("orjson", "json/")),
    ("marshmallow (schemas)", ("marshmallow/",)),
    ("nameko (entrypoints, proxies)", ("nameko/",)),
    ("kombu / amqp (AMQP)", ("kombu/", "amqp/", "vine/")),
    ("eventlet (hub, green I/O)", ("eventlet/", "greenlet")),
    ("logging", ("logging/",)),
    ("prometheus_client", ("prometheus_client/",)),
    ("gateway (Flask, Werkzeug)", ("flask/", "werkzeug/", "jinja2/", "gateway/")),
    ("platform (shared/runtime)", ("shared/runtime/", "shared/events/", "shared/privacy/")),
    ("identity", ("services/identity/",)),
    ("lockout", ("services/lockout/",)),
)


def enabled() -> Path | None:
    raw = os.environ.get("BENCH_PROFILE_DIR")
    return Path(raw) if raw else None


@contextmanager
def profiled(label: str, pids: dict[str, list[int]]) -> Iterator[None]:
    """py-spy records every process of ``pids`` while the block runs (no-op when disabled)."""
    folder = enabled()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    recorders = []
    for name, found in pids.items():
        for pid in found:
            output = folder / f"{label}-{name}-{pid}.txt"
            command = [
                spy, "record", "--pid", str(pid), "--rate", str(RATE_HZ), "--nonblocking",
                "--format", "raw", "--output", str(output),
            ]  # fmt: skip
            recorders.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)
        for recorder in recorders:
            recorder.wait(timeout=60)


def group_of(frame: str) -> str | None:
    for group, needles in GROUPS:
        if any(needle in frame for needle in needles):
            return group
    return None


def summarise(path: Path, top: int = 12) -> str:
    """Self time by group (a sample counts for the innermost frame that belongs to a group,
    so time in the standard library is charged to the library that called it)."""
    groups: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        functions[frames[-1]] += count
        group = next((g for g in map(group_of, reversed(frames)) if g), "other (stdlib, …)")
        groups[group] += count
    lines = [f"{path.name}: {total} samples"]
    for group, count in groups.most_common():
        lines.append(f"  {100 * count / max(total, 1):5.1f} %  {group}")
    lines.append("  heaviest functions (self):")
    for function, count in functions.most_common(top):
        lines.append(f"  {100 * count / max(total, 1):5.1f} %  {function[:110]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    for path in sorted(args.folder.glob("*.txt")):
        print(summarise(path, args.top))
        print()


if __name__ == "__main__":
    main()
