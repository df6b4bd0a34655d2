"""A RabbitMQ node of one test, on ports of its own, that the test may stop and start again.

The machine's broker is shared by every test run and every developer: never restart it. This
node keeps its database (durable queues, unacknowledged messages) under a temporary directory,
so a restart is a real one: connections drop, durable queues and their messages come back.

    broker = PrivateBroker(tmp_path)
    broker.start()
    broker.restart()      # stop, wait until the port is closed, start, wait until it answers
    broker.stop()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

from .test_ca import ServerFiles

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def available() -> bool:
    return Path(SERVER).exists() or shutil.which("rabbitmq-server") is not None


class PrivateBroker:
    START_TIMEOUT_S = 60

    def __init__(self, base: Path, tls: ServerFiles | None = None):
        self.base = base
        self.port = free_port()
        self.dist_port = free_port()
        self.tls_port = free_port() if tls is not None else None
        self.node = f"caf-test-{uuid.uuid4().hex[:8]}@localhost"
        self.process: subprocess.Popen[bytes] | None = None
        base.mkdir(parents=True, exist_ok=True)
        conf = f"listeners.tcp.default = 127.0.0.1:{self.port}\nloopback_users = none\n"
        if tls is not None:  # an AMQPS listener too, as the RabbitMQ operator's spec.tls makes
            conf += (
                f"listeners.ssl.default = 127.0.0.1:{self.tls_port}\n"
                f"ssl_options.cacertfile = {tls.ca_cert}\n"
                f"ssl_options.certfile = {tls.cert}\n"
                f"ssl_options.keyfile = {tls.key}\n"
                "ssl_options.verify = verify_none\n"
                "ssl_options.fail_if_no_peer_cert = false\n"
            )
        (base / "rabbitmq.conf").write_text(conf)
        (base / "enabled_plugins").write_text("[].\n")
        (base / "rabbitmq-env.conf").write_text("")  # not the machine's NODENAME

    @property
    def uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def tls_uri(self, host: str = "localhost") -> str:
        """The AMQPS listener, by a host name its certificate must name."""
        return f"amqps://guest:guest@{host}:{self.tls_port}/"

    def _env(self) -> dict[str, str]:
        base = str(self.base)
        return {
            **os.environ,
            "HOME": base,  # its own Erlang cookie
            "RABBITMQ_CONF_ENV_FILE": f"{base}/rabbitmq-env.conf",
            "RABBITMQ_CONFIG_FILE": f"{base}/rabbitmq.conf",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": f"{base}/mnesia",
            "RABBITMQ_LOG_BASE": f"{base}/log",
            "RABBITMQ_ENABLED_PLUGINS_FILE": f"{base}/enabled_plugins",
            "RABBITMQ_PLUGINS_EXPAND_DIR": f"{base}/plugins",
            "RABBITMQ_PID_FILE": f"{base}/pid",
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self) -> None:
        server = SERVER if Path(SERVER).exists() else str(shutil.which("rabbitmq-server"))
        log = open(self.base / "server.out", "ab")  # noqa: SIM115  (kept by the process)
        self.process = subprocess.Popen(
            [server], env=self._env(), stdout=log, stderr=subprocess.STDOUT
        )
        self._wait(lambda: self.answers(), "did not start")

    def stop(self) -> None:
        """A clean shutdown (SIGTERM to the node), as an operator's restart does."""
        if self.process is None:
            return
        pid_file = self.base / "pid"
        if pid_file.exists():  # the Erlang VM, which the start script may have exec'd
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), 15)
        self.process.terminate()
        self.process.wait(timeout=self.START_TIMEOUT_S)
        self.process = None
        self._wait(lambda: not self.answers(), "did not stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _wait(self, condition: object, failure: str) -> None:
        deadline = time.monotonic() + self.START_TIMEOUT_S
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise RuntimeError(f"private RabbitMQ node {self.node} {failure}")
            time.sleep(0.2)
