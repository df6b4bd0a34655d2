"""The results: a table on stdout and ``bench/results/latest.json``."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from .figures import Figure, median, paired_ratio


def machine() -> dict[str, Any]:
    memory_kib = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0]  # "MemTotal:  24605412 kB"
        memory_kib = int(first.split()[1])
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }


def document(mode: str, figures: list[Figure], started: float) -> dict[str, Any]:
    return {
        "mode": mode,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "duration_s": round(time.time() - started, 1),
        "machine": machine(),
        "figures": {figure.key: figure.as_dict() for figure in figures},
    }


def write(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n")


def _number(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "-"
    shown = f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{shown} {unit}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value (median)", "baseline (median)", "ratio", "target", "met")]
    for figure in figures:
        value = _number(figure.value, figure.unit)
        if "p50_ms" in figure.details:
            value = f"{value} (p50 {figure.details['p50_ms']:.1f})"
        rows.append(
            (
                figure.title,
                value,
                f"{_number(figure.baseline, figure.unit)} {figure.baseline_title}",
                f"{figure.ratio:.2f}",
                figure.target,
                "yes" if figure.met else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def cpu_breakdown(figures: list[Figure]) -> str:
    """Where the CPU of a login goes, for the login figures that measured it; and the appends
    against the platform's own recorder."""
    lines = []
    for figure in figures:
        own_raw = figure.details.get("platform_recorder_runs")
        if own_raw:
            lines.append(
                f"{figure.title}: {paired_ratio(figure.details['runs'], own_raw):.2f} of the"
                f" platform recorder's raw appends ({median(own_raw):,.0f} /s)"
            )
        cpu = figure.details.get("cpu_ms_per_login")
        if not cpu:
            continue
        lines.append(f"{figure.title}: CPU per login {cpu['total']:.1f} ms ({_parts(cpu)})")
        if "argon2_cpu_ms_per_verify" in figure.details:
            lines.append(
                f"  argon2id verify {figure.details['argon2_cpu_ms_per_verify']:.1f} ms of it:"
                f" ratio ceiling on this machine"
                f" {figure.details['ratio_ceiling_from_cpu']:.2f}"
                f" ({figure.details.get('ceiling_basis', 'every core busy')})"
            )
        lines.extend(_variants(figure.details))
    return "\n".join(lines)


def _parts(cpu: dict[str, float]) -> str:
    return ", ".join(f"{name} {ms:.1f}" for name, ms in cpu.items() if name != "total")


def _variants(details: dict[str, Any]) -> list[str]:
    """The login floor's variants other than the login as built, one line each."""
    by_variant = details.get("cpu_ms_per_login_by_variant", {})
    service = details.get("service_ceiling_by_variant", {})
    lines = []
    for name, title in details.get("variants", {}).items():
        if name == "login":
            continue
        cpu = by_variant.get(name) or {"total": details["cpu_ms_by_variant"][name]}
        alone = f", service alone {service[name]:.2f}" if name in service else ""
        lines.append(
            f"  variant {name} ({title}): CPU per login {cpu['total']:.1f} ms ({_parts(cpu)}):"
            f" ratio ceiling {details['ceiling_by_variant'][name]:.2f}{alone}"
        )
    return lines
