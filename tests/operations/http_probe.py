"""Helpers of the operations tests: a free port (shared/testing/receivers.py), and a GET that
returns (status, body)."""

from __future__ import annotations

import requests

from shared.testing.receivers import free_port

__all__ = ["free_port", "get"]


def get(port: int, path: str) -> tuple[int, str]:
    response = requests.get(f"http://127.0.0.1:{port}{path}", timeout=10)
    return response.status_code, response.text
