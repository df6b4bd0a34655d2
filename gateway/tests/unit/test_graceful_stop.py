"""The portal stops on SIGTERM as Kubernetes expects (gateway/serving.py): no new connection is
taken, the request in progress gets its answer, and the process ends well within the pod's grace
period (the image check gives it 5 s as process 1 of the container: tests/image/)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STOP_DEADLINE = 5  # seconds: what the image check allows a container after SIGTERM


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def portal() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "GATEWAY_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):  # start-up imports take a few seconds on a busy machine
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.1)
        else:
            pytest.fail("the portal did not answer /health/live")
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout:
            process.stdout.close()


def test_sigterm_answers_the_request_in_progress_refuses_new_ones_and_ends(
    portal: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = portal
    in_progress = socket.create_connection(("127.0.0.1", port), timeout=STOP_DEADLINE)
    in_progress.sendall(b"GET /health/live HTTP/1.1\r\nHost: portal\r\n")  # headers not finished
    time.sleep(0.3)  # the portal has taken the connection

    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    with pytest.raises(OSError):  # the listening socket is closed: refused at once
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    in_progress.sendall(b"Connection: close\r\n\r\n")
    answer = b""
    while chunk := in_progress.recv(4096):
        answer += chunk
    in_progress.close()

    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b'"status":"ok"' in answer.replace(b" ", b"")
    assert process.wait(timeout=STOP_DEADLINE) == 0
    log = process.stdout.read().decode() if process.stdout else ""
    assert "stopping (signal 15): 1 connection(s) in progress" in log
    assert '"message": "stopped"' in log


def test_sigterm_closes_a_connection_kept_alive_between_requests(
    portal: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = portal
    idle = socket.create_connection(("127.0.0.1", port), timeout=STOP_DEADLINE)
    try:  # a request answered, the connection kept alive for the next one (as a proxy does)
        idle.sendall(b"GET /health/live HTTP/1.1\r\nHost: portal\r\n\r\n")
        assert idle.recv(4096).startswith(b"HTTP/1.1 200")
        process.send_signal(signal.SIGTERM)
        assert idle.recv(4096) == b""  # closed by the portal, not left for the grace period
        assert process.wait(timeout=STOP_DEADLINE) == 0
    finally:
        idle.close()
    log = process.stdout.read().decode() if process.stdout else ""
    assert '"message": "stopped"' in log


def test_sigterm_gives_up_on_a_request_never_finished_after_the_grace(
    portal: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = portal
    stuck = socket.create_connection(("127.0.0.1", port), timeout=STOP_DEADLINE)
    try:  # a client that never finishes its request's headers
        stuck.sendall(b"GET /health/live HTTP/1.1\r\nHost: portal\r\n")
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_DEADLINE) == 0
    finally:
        stuck.close()
    log = process.stdout.read().decode() if process.stdout else ""
    assert "stopped with 1 connection(s) still open after 3.0s" in log
