"""The bench runs end to end (smoke mode: tiny windows, services in one process) and writes
every figure, with its baseline, ratio, target and verdict, as valid JSON. No timing is
asserted: the figures live in docs/performance.md."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.environment import PYTHONPATH, ROOT

FIGURES = {
    "login_1_worker",
    "login_2_workers",
    "login_pinned",
    "login_floor",
    "rejection_frozen",
    "rejection_captcha_required",
    "rejection_floor",
    "enumeration_timing",
    "append_rpc",
    "append_command",
    "propagation",
    "replay",
    "peer_login",  # issue #28: the peer, in the same run
    "pass_line_rpc",
    "store_capacity",
}


@pytest.mark.slow
def test_smoke_run_writes_every_figure_with_its_baseline(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"

    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--mode", "smoke", "--output", str(output)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
        capture_output=True,
        text=True,
        timeout=480,  # the first run also makes the peer's venv
    )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    results = json.loads(output.read_text())
    assert results["mode"] == "smoke"
    assert set(results["figures"]) == FIGURES
    for key, figure in results["figures"].items():
        assert math.isfinite(figure["value"]) and figure["value"] >= 0, key
        assert math.isfinite(figure["baseline"]) and figure["baseline"] > 0, key
        assert math.isfinite(figure["ratio"]) and figure["ratio"] >= 0, key
        assert figure["target"] and isinstance(figure["met"], bool), key
    assert "frozen login over RPC" in done.stdout  # the table is printed
    _assert_floor_variants(results["figures"]["login_floor"], done.stdout)


FLOOR_VARIANTS = {"login", "gate_in_process", "no_gate"}


def _assert_floor_variants(floor: dict[str, Any], printed: str) -> None:
    """The login floor prices its variants in the same repeats: each one's ceiling, CPU per
    login in total and by process, its runs, and a line under the table."""
    details = floor["details"]
    assert floor["title"] == "login floor: 2 RPCs + 3 commits, no hash"
    assert set(details["variants"]) == FLOOR_VARIANTS
    for key in ("ceiling_by_variant", "cpu_ms_by_variant"):
        assert set(details[key]) == FLOOR_VARIANTS, key
        # finite only: a server process ending within a tiny window can make its share negative
        assert all(math.isfinite(v) for v in details[key].values()), key
    for key in ("floor_ms_runs_by_variant", "logins_per_s_runs_by_variant"):
        assert {name: len(runs) for name, runs in details[key].items()} == {
            name: len(details["argon2_ms_runs"]) for name in FLOOR_VARIANTS
        }, key
    by_process = details["cpu_ms_per_login_by_variant"]
    assert set(by_process) == FLOOR_VARIANTS
    for name, cpu in by_process.items():
        assert {"bench client", "postgres", "rabbitmq", "total"} <= set(cpu), name
    assert details["ratio_ceiling_from_cpu"] == details["ceiling_by_variant"]["login"]
    for name in FLOOR_VARIANTS - {"login"}:
        assert f"variant {name} (" in printed, name
