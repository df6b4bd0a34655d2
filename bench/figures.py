"""One measured figure, its baseline, the ratio and the target; and the statistics behind them.

>>> median([3.0, 1.0, 2.0])
2.0
>>> percentile([1.0, 2.0, 3.0, 4.0], 50)
2.5
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from typing import Any


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: Sequence[float], rank: float) -> float:
    """Linear interpolation between the closest ranks (``rank`` in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * rank / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclasses.dataclass
class Figure:
    """``value`` and ``baseline`` are medians over the repeats; ``ratio`` is the median of the
    per-repeat ratios (each figure and its baseline are measured back to back, so a ratio is
    paired: a burst of load from elsewhere moves both).

    ``higher_is_better`` says how to read the ratio: throughputs (events/s) want it high,
    latencies (ms) are compared to their target in absolute terms.
    """

    key: str
    title: str
    unit: str
    value: float
    baseline_title: str
    baseline: float
    ratio: float
    target: str
    met: bool
    higher_is_better: bool = True
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def paired_ratio(values: Sequence[float], baselines: Sequence[float]) -> float:
    """The median of value/baseline over repeats measured back to back."""
    return median([v / b for v, b in zip(values, baselines, strict=True) if b])


def throughput_figure(
    key: str,
    title: str,
    values: Sequence[float],
    baseline_title: str,
    baselines: Sequence[float],
    minimum_ratio: float,
    **details: Any,
) -> Figure:
    """A rate (per second) against a baseline rate; met when the median ratio reaches
    ``minimum_ratio``."""
    value, baseline = median(values), median(baselines)
    figure = Figure(
        key=key,
        title=title,
        unit="/s",
        value=value,
        baseline_title=baseline_title,
        baseline=baseline,
        ratio=paired_ratio(values, baselines),
        target=f"ratio ≥ {minimum_ratio}",
        met=False,
        details={"runs": list(values), "baseline_runs": list(baselines), **details},
    )
    figure.met = figure.ratio >= minimum_ratio
    return figure


def latency_figure(
    key: str,
    title: str,
    p50s: Sequence[float],
    p99s: Sequence[float],
    baseline_title: str,
    baseline_p50s: Sequence[float],
    baseline_p99s: Sequence[float],
    max_p99_ms: float,
    **details: Any,
) -> Figure:
    """A p99 latency (ms) against a baseline's p99; met when the median p99 is within
    ``max_p99_ms``. The p50s are kept in the details."""
    value = median(p99s)
    return Figure(
        key=key,
        title=title,
        unit="ms p99",
        value=value,
        baseline_title=baseline_title,
        baseline=median(baseline_p99s),
        ratio=paired_ratio(p99s, baseline_p99s),
        target=f"p99 ≤ {max_p99_ms:g} ms",
        met=value <= max_p99_ms,
        higher_is_better=False,
        details={
            "p50_ms": median(p50s),
            "baseline_p50_ms": median(baseline_p50s),
            "p99_runs": list(p99s),
            "baseline_p99_runs": list(baseline_p99s),
            **details,
        },
    )
