"""The JSON log lines the process writes meanwhile, as production formats them.

with logged("INFO") as logs:
    ...
assert [line["level"] for line in logs()] == ["INFO"]
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from shared.runtime.logging_setup import JsonFormatter

Lines = Callable[[], list[dict[str, Any]]]


@contextmanager
def logged(level: str = "INFO", logger: str = "") -> Iterator[Lines]:
    """Adds a JSON handler to ``logger`` (root by default) at ``level``; removed after."""
    target = logging.getLogger(logger)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    saved = target.level
    target.addHandler(handler)
    target.setLevel(level)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    finally:
        target.removeHandler(handler)
        target.setLevel(saved)
