"""Process start-up for anything that runs services: import this module first.

- eventlet must patch the standard library before anything opens a socket (nameko 2.x);
- psycopg's default wait function blocks the whole eventlet hub during a query: select the
  pure-Python ``wait_select`` (which eventlet patches) before psycopg is imported.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()


def check() -> None:
    """Refuses to run if psycopg was imported before this module could configure it."""
    if os.environ.get("PSYCOPG_WAIT_FUNC") != "wait_select":
        raise RuntimeError("PSYCOPG_WAIT_FUNC must be wait_select under eventlet")
    waiting = sys.modules.get("psycopg.waiting")
    if waiting is not None and getattr(waiting, "wait", None) is not waiting.wait_select:
        raise RuntimeError("psycopg was imported before shared.runtime.bootstrap")
