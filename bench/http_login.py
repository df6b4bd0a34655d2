"""Our login over the HTTP API, through the gateway as deployed (issue #28).

The gateway runs as in its Deployment (``python -m gateway``: eventlet's WSGI server, one
process) in front of the same identity and lockout processes as the RPC figure, with one API
client configured (OAuth 2 client credentials, a bearer token per client). The clients are the
RPC figure's: as many, each in a closed loop, one HTTP connection per request (as the peer's),
``POST /api/v1/login``. CPU per login is broken down by process (gateway, identity, lockout,
client, PostgreSQL, RabbitMQ).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from . import profile
from .accounts import PASSWORD
from .cpu import CpuMeter
from .environment import PYTHONPATH, ROOT
from .figures import Figure, median, throughput_figure
from .load import throughput
from .login import LOGIN_TARGET, LoginStack, cpu_budget, raw_verifies_per_second

PORT = 18_766
CLIENT_ID = "bench"


class Gateway:
    """``python -m gateway`` with one API client; stopped on exit."""

    def __init__(self, stack: LoginStack):
        self.secret = secrets.token_urlsafe(32)
        clients = {
            CLIENT_ID: {
                "secret_sha256": hashlib.sha256(self.secret.encode()).hexdigest(),
                "trusted_source": True,
            }
        }
        env = {
            **os.environ,
            **{k: str(v) for k, v in stack.env.config.items()},
            "PYTHONPATH": PYTHONPATH,
            "GATEWAY_PORT": str(PORT),
            "GATEWAY_BIND": "127.0.0.1",
            "SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "API_CLIENTS": json.dumps(clients),
            "LOG_LEVEL": "WARNING",
        }
        log = open(stack.env.logs / "gateway.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        _wait_listening(PORT, self.process)
        self.token = self._token()

    def _token(self) -> str:
        basic = base64.b64encode(f"{CLIENT_ID}:{self.secret}".encode()).decode()
        status, answer = _post(
            "/api/v1/oauth/token",
            "grant_type=client_credentials",
            {
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        if status != 200:
            raise RuntimeError(f"token endpoint answered {status}: {answer}")
        return str(answer["access_token"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the gateway exited; see its log in the bench's log folder")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("the gateway did not listen")


def _post(path: str, body: str, headers: dict[str, str]) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def _login_loop(token: str, identifiers: list[str]) -> Callable[[], Any]:
    turn = [0]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def login() -> None:
        identifier = identifiers[turn[0] % len(identifiers)]
        turn[0] += 1
        body = json.dumps({"identifier": identifier, "password": PASSWORD})
        status, answer = _post("/api/v1/login", body, headers)
        if status != 200 or answer.get("outcome") != "ok":
            raise RuntimeError(f"login over HTTP answered {status}: {answer}")

    return login


def measure_http_logins(stack: LoginStack) -> Figure:
    """Logins/s over HTTP through the gateway vs raw verifies/s (2 threads), interleaved."""
    mode = stack.mode
    gateway = Gateway(stack)
    try:
        per_client = len(stack.accounts) // mode.concurrency
        calls = [
            _login_loop(gateway.token, stack.accounts[i * per_client : (i + 1) * per_client])
            for i in range(mode.concurrency)
        ]
        processes = {"gateway": [gateway.process.pid], **stack.process_groups()}
        meter = CpuMeter(processes)
        logins, raws = [], []
        with profile.profiled("http", processes):
            for _ in range(mode.repeats):
                raws.append(raw_verifies_per_second(mode, threads=2))
                logins.append(throughput(calls, mode.window_s, meter=meter))
        cpu = meter.medians()
    finally:
        gateway.stop()
    return throughput_figure(
        "login_http",
        "logins over HTTP through the gateway, 1 identity worker",
        logins,
        "raw argon2id verifies, 2 threads",
        raws,
        LOGIN_TARGET,
        concurrency=mode.concurrency,
        argon2=mode.argon2,
        cpu_ms_per_login=cpu,
        **cpu_budget(cpu, median(raws)),
    )
