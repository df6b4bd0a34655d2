"""Helpers of the operations tests: a free port, and a GET that returns (status, body)."""

from __future__ import annotations

import socket

import requests


def free_port() -> int:
    """A port nothing listens on now (the service binds it right after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, str]:
    response = requests.get(f"http://127.0.0.1:{port}{path}", timeout=10)
    return response.status_code, response.text
