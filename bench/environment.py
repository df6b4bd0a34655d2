"""The infrastructure of one bench run: its own PostgreSQL database and RabbitMQ vhost (dropped
at the end), test secrets, and the services it starts, in this process or as subprocesses.

>>> with BenchEnvironment() as env:                                   # doctest: +SKIP
...     env.spawn("identity", ARGON2_TIME_COST="2")
...     env.wait_ready("identity", "check_password", "x")
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy

from shared import service_registry
from shared.testing import secrets as test_secrets
from shared.testing.infrastructure import Database, Vhost

ROOT = Path(__file__).resolve().parent.parent
PYTHONPATH = os.pathsep.join(service_registry.import_paths())
# The services import as top-level packages (``identity.service``), as under ``make``.
for _entry in reversed(service_registry.import_paths()):
    if _entry not in sys.path:
        sys.path.insert(1, _entry)


class BenchEnvironment:
    """``in_process=True`` runs every service as a container of this process (the smoke mode:
    seconds instead of process start-ups; no figure is meaningful then)."""

    def __init__(self, in_process: bool = False) -> None:
        self.in_process = in_process
        self.database = Database()
        self.vhost = Vhost()
        self.logs = Path(tempfile.mkdtemp(prefix="bench-"))
        self.config: dict[str, Any] = {}
        self.containers: list[ServiceContainer] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        self.clients: list[ClusterRpcProxy] = []

    def __enter__(self) -> BenchEnvironment:
        self.database.name = self.database.name.replace("caf_test_", "caf_bench_")
        self.vhost.name = self.vhost.name.replace("test-", "bench-")
        self.database.create()
        self.vhost.create()
        self.config = {
            "AMQP_URI": self.vhost.uri,
            "ENVIRONMENT": "test",
            "DATABASE_URL": self.database.url,
            "DATABASE_SCHEMA_PREFIX": "b_",
            "DATA_DIR": str(self.logs / "data"),
            "RPC_TIMEOUT_S": "30",
            "DATABASE_POOL_MIN": "10",  # as before pools were sized by need: comparable runs
            "DATABASE_POOL_SIZE": "20",
            "LOG_LEVEL": "WARNING",
            **test_secrets.generate(),
        }
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for client in self.clients:
            client.stop()
        for container in self.containers:
            container.kill()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.vhost.delete()
        self.database.drop()
        if exc_type is None:  # kept on failure: the services' logs say why
            shutil.rmtree(self.logs, ignore_errors=True)

    # --- services -----------------------------------------------------------------------

    def start(self, service_class: type, **overrides: Any) -> ServiceContainer:
        """A service container in this process (for figures that need its memory)."""
        container = ServiceContainer(service_class, {**self.config, **overrides})
        container.start()
        self.containers.append(container)
        return container

    def spawn(self, *services: str, **overrides: str) -> subprocess.Popen[bytes]:
        """``python -m shared.runtime.runner <services>`` as a subprocess (its own core)."""
        env = {**os.environ, **{k: str(v) for k, v in {**self.config, **overrides}.items()}}
        env["PYTHONPATH"] = PYTHONPATH
        log = open(self.logs / f"{'-'.join(services)}-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.runtime.runner", *services],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def launch(self, service: str, **overrides: str) -> Any:
        """Runs one service (runner name or ``module:Class``): a subprocess, or a container
        of this process in ``in_process`` mode. Returns the handle :meth:`halt` takes."""
        if self.in_process:
            from shared.runtime.runner import resolve

            return self.start(resolve(service), **overrides)
        return self.spawn(service, **overrides)

    def halt(self, handle: Any) -> None:
        if isinstance(handle, ServiceContainer):
            handle.stop()
            self.containers.remove(handle)
            return
        handle.terminate()
        handle.wait(timeout=30)
        self.processes.remove(handle)

    def running(self) -> list[Any]:
        return [*self.processes, *self.containers]

    def client(self, timeout: float = 30) -> Any:
        """An RPC client of its own (one per green thread: they must not be shared)."""
        proxy = ClusterRpcProxy(
            self.config,
            timeout=timeout,
            context_data={"correlation_id": "bench-" + uuid.uuid4().hex},
        )
        self.clients.append(proxy)
        return proxy.start()

    def wait_ready(self, service: str, method: str, *args: Any, timeout: float = 90) -> None:
        """Calls ``service.method(*args)`` until it answers (its queue exists once it runs)."""
        deadline = time.monotonic() + timeout
        proxy = ClusterRpcProxy(self.config, timeout=2)
        client = proxy.start()
        try:
            while True:
                for process in self.processes:
                    if process.poll() is not None:
                        raise RuntimeError(f"a service process exited; logs in {self.logs}")
                try:
                    getattr(getattr(client, service), method)(*args)
                    return
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            proxy.stop()
