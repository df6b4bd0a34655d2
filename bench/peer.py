"""The peer inside ``make bench`` (issue #28): a Django 5.2 + django-axes 8.3 login over HTTP.

The site (``bench/peer/peersite``: database sessions, argon2id at the platform's parameters,
PostgreSQL, django-axes's lockout by username) runs under gunicorn, installed from
``bench/peer/requirements.txt`` (pinned, hashed) into a venv the bench makes
(``var/bench-peer/venv``, reused while the requirements do not change), never into the project's
own. Its users are as many as ours and seeded the same way (``peer-<n>``, the same password),
the clients as many, each in a closed loop, one HTTP connection per request.

gunicorn's worker setting is the best of ``WORKER_SETTINGS`` on this machine (each tried for one
window, the best kept for the repeats; the details say which and what each gave). The figure is
logins/s ÷ raw argon2 verifies/s (2 threads), measured back to back, like ours.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.testing.infrastructure import Database

from .accounts import PASSWORD
from .cpu import CpuMeter
from .environment import ROOT
from .figures import Figure, throughput_figure
from .load import throughput
from .modes import Mode

PEER = ROOT / "bench" / "peer"
REQUIREMENTS = PEER / "requirements.txt"
VENV = ROOT / "var" / "bench-peer" / "venv"
#: (worker class, workers, threads): two or three settings for a 2-core machine
WORKER_SETTINGS: tuple[tuple[str, int, int], ...] = (
    ("sync", 2, 1),
    ("sync", 3, 1),
    ("gthread", 2, 4),
)
PORT = 18_765


def ensure_venv() -> Path:
    """The peer's venv, installed with ``--require-hashes``; reinstalled when the pins change."""
    stamp = VENV / ".requirements-sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return VENV
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--require-hashes", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(wanted)
    return VENV


class PeerSite:
    """The peer's database, its seeded users, and gunicorn (restarted per worker setting)."""

    def __init__(self, mode: Mode, users: int):
        self.mode = mode
        self.users = [f"peer-{n}" for n in range(users)]
        self.venv = ensure_venv()
        self.database = Database()
        self.database.name = self.database.name.replace("caf_test_", "caf_bench_peer_")
        self.server: subprocess.Popen[bytes] | None = None
        self.setting: tuple[str, int, int] | None = None
        url = urllib.parse.urlparse(self.database.url)
        self.env = {
            **os.environ,
            "PYTHONPATH": str(PEER),
            "DJANGO_SETTINGS_MODULE": "peersite.settings",
            "PEER_SECRET_KEY": secrets.token_urlsafe(32),
            "PEER_DB_NAME": self.database.name,
            "PEER_DB_USER": url.username or "postgres",
            "PEER_DB_PASSWORD": url.password or "",
            "PEER_DB_HOST": url.hostname or "127.0.0.1",
            "PEER_DB_PORT": str(url.port or 5432),
            **mode.argon2,
        }

    def __enter__(self) -> PeerSite:
        self.database.create()
        python = str(self.venv / "bin" / "python")
        seed = [python, "-m", "peersite.seed", str(len(self.users)), PASSWORD]
        subprocess.run(seed, cwd=PEER, env=self.env, check=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        self.database.drop()

    def start(self, setting: tuple[str, int, int]) -> None:
        self.stop()
        worker_class, workers, threads = setting
        command = [
            str(self.venv / "bin" / "gunicorn"), "peersite.wsgi",
            "--bind", f"127.0.0.1:{PORT}", "--workers", str(workers),
            "--worker-class", worker_class, "--threads", str(threads),
            "--backlog", "256", "--log-level", "warning",
        ]  # fmt: skip
        self.server = subprocess.Popen(command, cwd=PEER, env=self.env)
        self.setting = setting
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                    pass
            except OSError:
                time.sleep(0.2)
                continue
            if len(self.pids()) > workers:  # the master and every worker (CPU accounting)
                return
            time.sleep(0.2)
        raise TimeoutError("gunicorn did not listen with all its workers")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def pids(self) -> list[int]:
        """gunicorn's master and its workers (the CPU accounting)."""
        if self.server is None:
            return []
        master = self.server.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        found = children.read_text().split() if children.exists() else []
        return [master, *(int(pid) for pid in found)]

    def login_calls(self, concurrency: int) -> list[Callable[[], Any]]:
        per_client = max(1, len(self.users) // concurrency)
        return [
            _login_loop(self.users[index * per_client : (index + 1) * per_client] or self.users)
            for index in range(concurrency)
        ]


def _login_loop(usernames: list[str]) -> Callable[[], Any]:
    turn = [0]

    def login() -> None:
        username = usernames[turn[0] % len(usernames)]
        turn[0] += 1
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD})
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        try:
            connection.request(
                "POST",
                "/login",
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status != 200:  # the bench measures successful logins only
            raise RuntimeError(f"peer login answered {response.status}")

    return login


def measure_peer(mode: Mode, users: int, raw: Callable[[], float]) -> Figure:
    """The peer's logins/s against raw verifies/s (2 threads), its best worker setting."""
    with PeerSite(mode, users) as site:
        tried: dict[str, float] = {}
        for setting in WORKER_SETTINGS:
            site.start(setting)
            calls = site.login_calls(mode.concurrency)
            tried[_name(setting)] = throughput(calls, mode.window_s)
        best = max(WORKER_SETTINGS, key=lambda s: tried[_name(s)])
        site.start(best)
        calls = site.login_calls(mode.concurrency)
        meter = CpuMeter({"peer (gunicorn)": site.pids()})
        logins, raws = [], []
        for _ in range(mode.repeats):
            raws.append(raw())
            logins.append(throughput(calls, mode.window_s, meter=meter))
        cpu = meter.medians()
    figure = throughput_figure(
        "peer_login",
        "peer: Django 5.2 + django-axes 8.3 logins over HTTP",
        logins,
        "raw argon2id verifies, 2 threads",
        raws,
        0.0,
        worker_setting=_name(best),
        worker_settings_tried=tried,
        users=users,
        concurrency=mode.concurrency,
        argon2=mode.argon2,
        cpu_ms_per_login=cpu,
        pinned_packages=REQUIREMENTS.name,
    )
    figure.target, figure.met = "the pass lines' baseline", True
    return figure


def against_peer(ours: Figure, peer: Figure, key: str, title: str) -> Figure:
    """The pass line: our ratio (logins/s ÷ raw verifies/s) ≥ the peer's, in the same run."""
    return Figure(
        key=key,
        title=title,
        unit="ratio",
        value=ours.ratio,
        baseline_title="the peer's ratio, same run",
        baseline=peer.ratio,
        ratio=ours.ratio / peer.ratio if peer.ratio else float("nan"),
        target="ratio ≥ 1 (pass line)",
        met=bool(peer.ratio) and ours.ratio >= peer.ratio,
        details={
            "ours": ours.key,
            "peer": peer.key,
            "peer_setting": peer.details.get("worker_setting"),
        },
    )


def _name(setting: tuple[str, int, int]) -> str:
    worker_class, workers, threads = setting
    return f"{worker_class} ×{workers}" + (f", {threads} threads" if threads > 1 else "")
