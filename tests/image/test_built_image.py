"""The built image, run as the cluster runs it (tests/image/cluster.py; make image-check):
each entry point of deploy/k8s starts read-only as uid 10001, migrates, checks, answers and
stops within 5 s of SIGTERM as the container's process 1; it holds the runtime only."""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared import service_registry
from shared.testing.broker_users import BrokerUsers

from .cluster import ROOT, EntryPoint, Podman, entry_points, environment

STOP_DEADLINE = 5.0  # seconds after SIGTERM
ENTRY_POINTS = {entry.name: entry for entry in entry_points()}
MIGRATIONS = [e for e in ENTRY_POINTS.values() if e.args[:1] == ("--migrate-only",)]
SERVICES = [e for e in ENTRY_POINTS.values() if not e.command and e not in MIGRATIONS]
AUDIT_COMMANDS = [e for e in ENTRY_POINTS.values() if e.command[:3] == ("python", "-m", "audit")]
#: what the operator fills in before creating an audit Job (deploy/k8s/jobs/audit.yaml); the
#: embedded store has no database role to limit the audit to appending to the trail, so it opens
#: the store for writing (DATABASE_READ_ONLY applies to PostgreSQL's role "audit")
OPERATOR = {
    "AUDIT_OPERATOR": "image-check",
    "AUDIT_REASON": "the image check of CI",
    "DATABASE_READ_ONLY": "false",
}
DEV_TOOLS = ("pytest", "ruff", "mypy", "pip-tools", "pip-audit", "cyclonedx-bom", "playwright")


def test_the_manifests_run_every_service_the_gateway_and_the_audit_commands() -> None:
    assert sorted(e.args[1] for e in MIGRATIONS) == sorted(service_registry.names())
    assert sorted(e.args[0] for e in SERVICES) == sorted(service_registry.names())
    assert ENTRY_POINTS["gateway/gateway"].command == ("python", "-m", "gateway")
    assert ENTRY_POINTS["console/console"].command == ("python", "-m", "console")
    assert ENTRY_POINTS["backchannel/backchannel"].command == (
        "python", "-m", "gateway.oidc.backchannel"
    )  # fmt: skip
    commands = {e.args[0] for e in AUDIT_COMMANDS}
    assert {"replay-check", "retention", "erase"} <= commands


def test_the_image_runs_as_10001_and_holds_the_runtime_only(podman: Podman) -> None:
    config = json.loads(
        subprocess.run(
            ["podman", "image", "inspect", podman.image], capture_output=True, check=True
        ).stdout
    )[0]["Config"]
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["python", "-m", "shared.runtime.runner"]

    listing = podman.shell(
        "dpkg-query -W -f '${Package}\\n'; echo ==;"
        " for tool in espeak-ng node npm gcc cc make git pip pip3 /opt/venv/bin/pip; do"
        "   command -v $tool; done; echo ==;"
        " find /app -name tests -o -name conftest.py -o -name '*.pyc' -o -name .git"
        " -o -path /app/console/dev -o -path /app/gateway/dev; echo ==;"
        " /opt/venv/bin/python -c 'import importlib.metadata as m;"
        ' print(*sorted(d.metadata["Name"].lower() + "==" + d.version'
        " for d in m.distributions()))'"
    )
    assert listing.returncode == 0, listing.stderr
    debian, tools, leftovers, python = listing.stdout.split("==\n")
    assert "espeak-ng" not in debian.split() and "espeak-ng-data" not in debian.split()
    assert tools.split() == [], tools  # no build tool, no pip in the application's environment
    assert leftovers.split() == [], leftovers
    pinned = set(
        re.findall(r"^([a-z0-9._-]+==[^\s;]+)", (ROOT / "requirements.txt").read_text(), re.M)
    )
    installed = set(python.split())
    normalise = lambda names: {re.sub(r"[-_.]+", "-", name) for name in names}  # noqa: E731
    extra = normalise(installed) - normalise(pinned)
    assert all(name.startswith("setuptools==") for name in extra), extra  # venv's own, no pip
    assert normalise(pinned) <= normalise(installed)
    assert not [tool for tool in DEV_TOOLS if any(i.startswith(f"{tool}==") for i in installed)]


def test_the_captcha_voices_are_made_at_build_time(podman: Podman) -> None:
    listing = podman.shell("ls /opt/captcha-voices/0 /opt/captcha-voices/9 | grep -c wav")
    assert int(listing.stdout.strip()) >= 2


def test_each_service_migrates_then_the_audit_replays_and_retention_runs(
    podman: Podman, cluster_secrets: dict[str, str]
) -> None:
    for entry in MIGRATIONS:
        done = podman.run(entry, environment(entry, cluster_secrets))
        assert done.returncode == 0, f"{entry.name}: {done.stderr[-2000:]}"
        assert f"store of {entry.args[1]} is ready" in done.stderr + done.stdout
    replay = ENTRY_POINTS["audit/audit"]
    done = podman.run(replay, environment(replay, cluster_secrets) | OPERATOR)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for entry in [e for e in AUDIT_COMMANDS if e.args[0] == "retention"]:
        done = podman.run(entry, environment(entry, cluster_secrets) | OPERATOR)
        assert done.returncode == 0, f"{entry.name}: {done.stdout[-1000:]}{done.stderr[-2000:]}"


def wait_for_log(container: str, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logs = subprocess.run(["podman", "logs", container], capture_output=True, text=True)
        if text in logs.stdout + logs.stderr:
            return logs.stdout + logs.stderr
        state = subprocess.run(
            ["podman", "inspect", "--format", "{{.State.Status}}", container],
            capture_output=True, text=True,
        )  # fmt: skip
        assert state.stdout.strip() in ("created", "running"), logs.stdout + logs.stderr
        time.sleep(0.2)
    raise AssertionError(f"{container}: no '{text}' within {timeout}s")


def wait_until_sigterm_is_handled(container: str, timeout: float = 60) -> None:
    """Process 1 has set its SIGTERM handler (bit 15 of SigCgt in /proc/1/status): a signal sent
    before would be dropped by the kernel, as for any process 1 without a handler."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = subprocess.run(
            ["podman", "exec", container, "cat", "/proc/1/status"], capture_output=True, text=True
        )
        caught = re.search(r"^SigCgt:\s*([0-9a-f]+)", status.stdout, re.M)
        if caught and int(caught[1], 16) & (1 << (15 - 1)):
            return
        time.sleep(0.05)
    raise AssertionError(f"{container}: process 1 never handled SIGTERM")


def stop_as_kubernetes_does(container: str) -> tuple[float, int, str]:
    """SIGTERM to process 1; (seconds until it ended, exit status, logs)."""
    started = time.monotonic()
    subprocess.run(
        ["podman", "kill", "--signal", "TERM", container], check=True, capture_output=True
    )
    waited = subprocess.run(
        ["podman", "wait", container], capture_output=True, text=True, timeout=STOP_DEADLINE + 30
    )
    elapsed = time.monotonic() - started
    logs = subprocess.run(["podman", "logs", container], capture_output=True, text=True)
    return elapsed, int(waited.stdout.strip()), logs.stdout + logs.stderr


@pytest.fixture
def container_name() -> Iterator[str]:
    name = f"image-check-{uuid.uuid4().hex[:10]}"
    yield name
    subprocess.run(["podman", "rm", "--force", "--time", "0", name], capture_output=True)


def test_the_gateway_answers_its_liveness_probe_and_stops_on_sigterm(
    podman: Podman, cluster_secrets: dict[str, str], container_name: str
) -> None:
    gateway = ENTRY_POINTS["gateway/gateway"]
    env = environment(gateway, cluster_secrets)
    started = podman.run(gateway, env, detach=True, name=container_name)
    assert started.returncode == 0, started.stderr
    wait_for_log(container_name, "portal on")
    probe = podman.exec(
        container_name, "python", "-c",
        "import urllib.request as r; print(r.urlopen('http://127.0.0.1:8080/health/live',"
        " timeout=5).read().decode())",
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == {"status": "ok"}

    elapsed, status, logs = stop_as_kubernetes_does(container_name)
    assert status == 0, logs[-2000:]
    assert elapsed < STOP_DEADLINE, elapsed
    assert "stopping (signal 15)" in logs


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_each_service_stops_within_5_s_of_sigterm(
    entry: EntryPoint,
    podman: Podman,
    cluster_secrets: dict[str, str],
    amqp_vhost: object,
    container_name: str,
) -> None:
    # Services need their broker: the host's RabbitMQ (make infra), in a vhost of this test.
    env = environment(entry, cluster_secrets)
    env["AMQP_URI"] = amqp_vhost.uri  # type: ignore[attr-defined]
    env["HTTP_PORT"] = str(free_port())
    for migration in MIGRATIONS:
        if migration.args[1] == entry.args[0]:
            assert podman.run(migration, environment(migration, cluster_secrets)).returncode == 0
    started = podman.run(entry, env, detach=True, name=container_name, network="host")
    assert started.returncode == 0, started.stderr
    wait_for_log(container_name, f"running {entry.args[0]}")

    elapsed, status, logs = stop_as_kubernetes_does(container_name)
    assert status == 0, logs[-3000:]
    assert elapsed < STOP_DEADLINE, elapsed
    assert "stopping (signal 15)" in logs


def test_the_back_channel_logout_sender_runs_and_stops_within_5_s_of_sigterm(
    podman: Podman, cluster_secrets: dict[str, str], amqp_vhost: object, container_name: str
) -> None:
    """As on the cluster: its own broker user (a consumer's rights, no configure on
    ``nameko-rpc``) and the topology that creates the RPC exchange."""
    sender = ENTRY_POINTS["backchannel/backchannel"]
    env = environment(sender, cluster_secrets)
    users = BrokerUsers(amqp_vhost)  # type: ignore[arg-type]
    users.create()
    try:
        env["AMQP_URI"] = users.uri("backchannel")
        env["BACKCHANNEL_HTTP_PORT"] = str(free_port())
        started = podman.run(sender, env, detach=True, name=container_name, network="host")
        assert started.returncode == 0, started.stderr
        wait_for_log(container_name, "back-channel logout sender running")
        elapsed, status, logs = stop_as_kubernetes_does(container_name)
    finally:
        users.delete()
    assert status == 0, logs[-3000:]
    assert elapsed < STOP_DEADLINE, elapsed
    assert "stopping (signal 15)" in logs


@pytest.mark.parametrize("entry", AUDIT_COMMANDS, ids=lambda e: e.name)
def test_each_audit_command_stops_on_sigterm_without_committing(
    entry: EntryPoint, podman: Podman, cluster_secrets: dict[str, str], container_name: str
) -> None:
    env = environment(entry, cluster_secrets) | OPERATOR | {"AUDIT_IDENTIFIER": "1850575123456"}
    started = podman.run(entry, env, detach=True, name=container_name)
    assert started.returncode == 0, started.stderr
    wait_until_sigterm_is_handled(container_name)  # then the command is still importing
    elapsed, status, logs = stop_as_kubernetes_does(container_name)
    assert elapsed < STOP_DEADLINE, elapsed
    assert "stopped by signal 15: the work in progress is not committed" in logs
    # 143 when the signal cut the work short; the command's own status (0, or 2 for a person
    # not found) when it landed as the command was already returning its answer
    assert status in (128 + 15, 0, 2), logs[-2000:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_bill_of_materials_is_read_from_the_image(image: str) -> None:
    sbom = load_sbom_tool()
    found = {str(c.purl).split("?")[0] for c in sbom.components(sbom.inventory(image))}
    pinned = re.findall(
        r"^([a-z0-9._-]+)==([^\s;]+)", (ROOT / "requirements.txt").read_text(), re.M
    )
    for name, version in pinned:  # every pinned package, as the image holds it
        assert f"pkg:pypi/{re.sub(r'[-_.]+', '-', name)}@{version}" in {
            re.sub(r"pkg:pypi/([^@]+)", lambda m: "pkg:pypi/" + re.sub(r"[-_.]+", "-", m[1]), p)
            for p in found
        }, name
    debian = {p.split("@")[0] for p in found if p.startswith("pkg:deb/debian/")}
    assert {"pkg:deb/debian/libc6", "pkg:deb/debian/ca-certificates"} <= debian
    assert "pkg:deb/debian/espeak-ng" not in debian
    assert any(p.startswith("pkg:npm/%40picocss/pico@") for p in found)


def load_sbom_tool() -> Any:
    spec = importlib.util.spec_from_file_location("image_sbom", ROOT / "scripts/image_sbom.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_calls_in_flight_when_identity_stops_are_answered_by_it_or_its_successor(
    podman: Podman, cluster_secrets: dict[str, str], amqp_vhost: Any
) -> None:
    """A rollout: SIGTERM reaches a pod with calls in flight; each call is answered, by the
    stopping pod (its running workers finish) or by the next pod (a request it had not started
    went back to the queue). None is lost, none waits out its timeout."""
    from nameko.standalone.rpc import ClusterRpcProxy

    service = ENTRY_POINTS["identity/identity"]
    migration = ENTRY_POINTS["identity/migrate"]
    assert podman.run(migration, environment(migration, cluster_secrets)).returncode == 0
    env = environment(service, cluster_secrets) | {"AMQP_URI": amqp_vhost.uri}
    names = [f"image-check-{uuid.uuid4().hex[:10]}" for _ in range(2)]
    proxy = ClusterRpcProxy({"AMQP_URI": amqp_vhost.uri}, timeout=90)
    try:
        env["HTTP_PORT"] = str(free_port())
        podman.run(service, env, detach=True, name=names[0], network="host")
        wait_for_log(names[0], "running identity")
        client = proxy.start()
        calls = [
            client.identity.check_password.call_async(f"Bonjour{n:04d}Caf!") for n in range(40)
        ]
        time.sleep(0.05)
        elapsed, status, logs = stop_as_kubernetes_does(names[0])
        assert (status, elapsed < STOP_DEADLINE) == (0, True), logs[-2000:]

        env["HTTP_PORT"] = str(free_port())
        podman.run(service, env, detach=True, name=names[1], network="host")
        wait_for_log(names[1], "running identity")
        answers = [call.result() for call in calls]
    finally:
        proxy.stop()
        for name in names:
            subprocess.run(["podman", "rm", "--force", "--time", "0", name], capture_output=True)
    assert len(answers) == 40
    assert all(isinstance(answer, dict) and "valid" in answer for answer in answers), answers[:3]


def test_the_audit_console_pod_ends_at_once_on_sigterm(
    podman: Podman, cluster_secrets: dict[str, str], container_name: str
) -> None:
    console = ENTRY_POINTS["audit-console/audit"]  # kubectl delete pod audit-console
    started = podman.run(
        console, environment(console, cluster_secrets), detach=True, name=container_name
    )
    assert started.returncode == 0, started.stderr
    wait_until_sigterm_is_handled(container_name)
    elapsed, status, logs = stop_as_kubernetes_does(container_name)
    assert (status, elapsed < STOP_DEADLINE) == (0, True), (elapsed, logs[-2000:])
