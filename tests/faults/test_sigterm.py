"""SIGTERM under load (issue #31, item 2): each service, as a process of its own, is stopped by
SIGTERM while the load's requests are in flight, then started again. Nothing lost, nothing
doubled, and no request acknowledged that was not done (every récapitulatif a person was shown
is an account whose creation was published and whose identifier reached the person)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import eventlet
import pytest
import requests
from faults_load import Load
from faults_platform import CAPTCHA_ANSWER, FAST_ARGON2, PRODUCERS, SMALL_POOL, Observed, Report
from scenario import CALM_S, RECOVERY_BOUND_S, assert_nothing_lost_nor_doubled, wait_until

from shared import service_registry
from shared.testing.event_tap import EventTap
from shared.testing.receivers import SmsReceiver, SmtpReceiver, free_port

ROOT = Path(__file__).resolve().parents[2]
#: a graceful stop (in-flight workers finish, the relay records its position) takes at most
STOP_BOUND_S = 30.0
ORDER = ("identity-1", "lockout", "notification", "delegation", "identity-2")


class ProcessPlatform(Observed):
    """The four services as ``python -m shared.runtime.runner <service>`` processes."""

    def __init__(
        self, config: dict[str, Any], mailbox: SmtpReceiver, sms: SmsReceiver, logs: Path
    ) -> None:
        self.config = config
        self.mailbox = mailbox
        self.sms = sms
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.ports: dict[str, int] = {}
        self.apps: dict[str, Any] = {}
        self.taps = {producer: EventTap(config["AMQP_URI"], producer) for producer in PRODUCERS}

    def env(self, name: str) -> dict[str, str]:
        settings = {
            **self.config,
            **SMALL_POOL,
            "HTTP_PORT": str(self.ports[name]),
            "RPC_TIMEOUT_S": "10",
            "LOG_LEVEL": "INFO",
        }
        service = name.split("-")[0]
        if service == "identity":
            settings.update(FAST_ARGON2)
        if service == "lockout":
            settings["LOCKOUT_CAPTCHA_TEST_ANSWER"] = CAPTCHA_ANSWER
        if service == "notification":
            settings.update(
                SMTP_HOST="127.0.0.1",
                SMTP_PORT=str(self.mailbox.port),
                SMTP_SECURITY="none",
                SMTP_TIMEOUT_S="3",
                SMS_GATEWAY_URL=self.sms.url,
                SMS_GATEWAY_TOKEN="gw-token",
                SMS_TIMEOUT_S="3",
                LETTER_SPOOL_DIR=str(self.logs / "spool"),
                DELIVERY_SEND_INTERVAL_S="0.1",
            )
        return {
            **os.environ,
            **{k: str(v) for k, v in settings.items()},
            "PYTHONPATH": os.pathsep.join(service_registry.import_paths()),
        }

    def spawn(self, name: str) -> None:
        self.ports.setdefault(name, free_port())
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115  (kept by the process)
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "shared.runtime.runner", name.split("-")[0]],
            cwd=ROOT,
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start(self) -> ProcessPlatform:
        for name in ("lockout", "notification", "delegation", "identity-1", "identity-2"):
            self.spawn(name)
        self.wait_ready(90)
        return self

    def sigterm(self, name: str) -> tuple[int, float]:
        """Stops the process by SIGTERM; its exit code and how long it took."""
        process = self.processes[name]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        while process.poll() is None:
            if time.monotonic() - started > STOP_BOUND_S:
                process.kill()
                raise AssertionError(f"{name} still running {STOP_BOUND_S}s after SIGTERM")
            eventlet.sleep(0.05)
        return int(process.returncode), time.monotonic() - started

    def ready(self, name: str) -> bool:
        try:
            answer = requests.get(f"http://127.0.0.1:{self.ports[name]}/health/ready", timeout=3)
            return answer.status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float) -> float:
        started = time.monotonic()
        while not all(self.ready(name) for name in self.processes):
            exited = [n for n, p in self.processes.items() if p.poll() is not None]
            assert not exited, f"exited: {exited}: {self.tail(exited[0]) if exited else ''}"
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not ready within {timeout}s; logs in {self.logs}")
            eventlet.sleep(0.2)
        return time.monotonic() - started

    def tail(self, name: str, lines: int = 15) -> str:
        return "\n".join((self.logs / f"{name}.log").read_text().splitlines()[-lines:])

    def application(self, producer: str) -> Any:
        if producer not in self.apps:
            registered = service_registry.get(producer)
            application = service_registry.load(registered.application_class)
            settings = service_registry.load(registered.settings_class)
            self.apps[producer] = application(settings.from_mapping(self.config, producer))
        return self.apps[producer]

    def close(self) -> None:
        super().close()
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=STOP_BOUND_S)
            except subprocess.TimeoutExpired:
                process.kill()
        for app in self.apps.values():
            app.close()


@pytest.fixture
def processes(
    service_config: dict[str, Any], mailbox: SmtpReceiver, sms: SmsReceiver, tmp_path: Path
) -> Iterator[ProcessPlatform]:
    platform = ProcessPlatform(service_config, mailbox, sms, tmp_path)
    yield platform
    platform.close()


def test_each_service_stopped_by_sigterm_under_load_loses_and_doubles_nothing(
    processes: ProcessPlatform, rpc_clients: Any, rpc: Any
) -> None:
    processes.start()
    load = Load(processes, rpc_clients)
    load.prepare()
    report = Report("SIGTERM to each process in turn, then restart", load=load.description)
    stops: dict[str, float] = {}
    with load:
        eventlet.sleep(CALM_S)
        for name in ORDER:
            code, stops[name] = processes.sigterm(name)
            assert code == 0, f"{name} exited {code} on SIGTERM; logs in {processes.logs}"
            processes.spawn(name)
            report.recovery_s = max(report.recovery_s, processes.wait_ready(RECOVERY_BOUND_S))
            eventlet.sleep(1)
        eventlet.sleep(CALM_S)
    wait_until(lambda: load.effects()["identifier_missing"] == 0, 60)
    report.events_lost, report.republished = processes.events_lost()
    effects = load.effects()
    report.effects_doubled = (
        effects["codes_doubled"] + effects["identifier_doubled"] + processes.mails_doubled()
    )
    report.notes["identifier_missing"] = effects["identifier_missing"]
    report.notes["answers"] = dict(load.seen)
    report.notes["stop_s"] = {name: round(seconds, 1) for name, seconds in stops.items()}
    # the ladder as lockout holds it: failures recorded (each wrong check is one) stop at 5
    report.wrong_password_checks = int(rpc.lockout.status(load.target)["failures"])
    report.acknowledged, report.refused = load.acknowledged, load.refused
    # every récapitulatif shown is an account created and published
    created = {m["account_id"] for m in processes.taps["identity"].of_type("AccountCreated")}
    acknowledged_accounts = {str(r["account_id"]) for r in load.registered.values()}
    report.notes["acknowledged_not_done"] = len(acknowledged_accounts - created)
    print(report.line())
    assert report.notes["acknowledged_not_done"] == 0, report.line()
    assert_nothing_lost_nor_doubled(report)
