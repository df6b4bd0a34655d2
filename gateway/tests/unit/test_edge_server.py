"""The gateway's HTTP server (eventlet's, through ``gateway/server.py``) shows no banner, and
answers a request it cannot parse in French without quoting it or logging it (issue #32)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import eventlet
import pytest

from gateway import server

from .edge_client import edge_app

SECRET_CODE = "483920"


@pytest.fixture
def address(tmp_path: Path) -> Iterator[tuple[str, int]]:
    listener = eventlet.listen(("127.0.0.1", 0))
    thread = eventlet.spawn(server.run, listener, edge_app(tmp_path))
    yield listener.getsockname()
    thread.kill()
    listener.close()


def exchange(address: tuple[str, int], raw: bytes) -> str:
    connection = eventlet.connect(address)
    connection.settimeout(10)
    connection.sendall(raw)
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    connection.close()
    return received.decode("utf-8", "replace")


def test_answers_carry_no_server_banner(address: tuple[str, int]) -> None:
    answer = exchange(address, b"GET /connexion HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    assert answer.startswith("HTTP/1.1 200")
    assert "\r\nserver:" not in answer.lower()


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /code/" + SECRET_CODE.encode() + b" HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        b"GET /code/" + SECRET_CODE.encode() + b" HTTP/9.9\r\nHost: x\r\n\r\n",
        b"GET /code/" + SECRET_CODE.encode() + b" HTTP/1.1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["four-words", "unknown-version", "bad-version"],
)
def test_a_malformed_request_is_refused_in_french_quietly(
    address: tuple[str, int],
    raw: bytes,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = exchange(address, raw)
    head, _, _body = answer.partition("\r\n\r\n")

    assert "\r\nserver:" not in head.lower() and "BaseHTTP" not in answer
    assert "Requête invalide" in answer
    assert SECRET_CODE not in answer
    assert SECRET_CODE not in caplog.text
    assert SECRET_CODE not in capfd.readouterr().err  # the standard library's own log line
