"""The system the browser tests drive, as a person would find it after `make run`: the four
services (one process, embedded stores), the development mailbox and the portal, each a real
process on its own free port, on a RabbitMQ vhost of their own; captchas answer ``24682``
(LOCKOUT_CAPTCHA_TEST_ANSWER, a test-only setting)."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from shared.testing.secrets import generate

ROOT = Path(__file__).resolve().parents[3]
CAPTCHA = "24682"
#: the test provider's client (services/identity/tests/oidc_provider.py)
FRANCECONNECT_CLIENT_ID = "caf-mon-compte-test"
FRANCECONNECT_CLIENT_SECRET = "secret-de-test-" + "x" * 32
#: Jonas of the journeys, certified by FranceConnect; born in Paris (75056), which his NIR's
#: commune (75123) does not confirm: FranceConnect asks him to link his account once.
FRANCECONNECT_PERSON = {
    "sub": "fc-sub-jonas-0001",
    "given_name": "Jonas",
    "family_name": "DUCHAIS",
    "birthdate": "1985-05-14",
    "gender": "male",
    "birthplace": "75056",
    "birthcountry": "99100",
}
PYTHONPATH = os.pathsep.join(
    str(ROOT / p)
    for p in (
        ".",
        "services/identity",
        "services/lockout",
        "services/notification",
        "services/delegation",
    )
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Stack:
    def __init__(self, amqp_uri: str, data_dir: Path, voices: Path, **settings: str):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        smtp, sms = free_port(), free_port()
        self.env = {
            **os.environ,
            **generate(),
            "PYTHONPATH": PYTHONPATH,
            "ENVIRONMENT": "test",
            "AMQP_URI": amqp_uri,
            "DATA_DIR": str(data_dir),
            "LOG_LEVEL": "WARNING",
            "ARGON2_MEMORY_KIB": "64",
            "ARGON2_TIME_COST": "1",
            "LOCKOUT_CAPTCHA_TEST_ANSWER": CAPTCHA,
            "LOCKOUT_CAPTCHA_VOICE_DIR": str(voices),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp),
            "SMTP_SECURITY": "none",
            "SMS_GATEWAY_URL": f"http://127.0.0.1:{sms}/sms",
            "DELIVERY_SEND_INTERVAL_S": "0.2",
            "GATEWAY_SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "GATEWAY_PORT": str(self.port),
            "GATEWAY_PUBLIC_URL": self.url,
            "GATEWAY_DEV_MAILBOX": "true",
            "DEV_SMTP_PORT": str(smtp),
            "DEV_SMS_PORT": str(sms),
        }
        self.env.update(settings)
        for name in ("IDENTITY", "LOCKOUT", "NOTIFICATION", "DELEGATION"):
            self.env[f"{name}_HTTP_PORT"] = "0"
        self.env.pop("DATABASE_URL", None)
        self.franceconnect_port = free_port()
        issuer = f"http://127.0.0.1:{self.franceconnect_port}/api/v2"
        self.env.update(
            FRANCECONNECT_ISSUER=issuer,
            FRANCECONNECT_CLIENT_ID=FRANCECONNECT_CLIENT_ID,
            FRANCECONNECT_CLIENT_SECRET=FRANCECONNECT_CLIENT_SECRET,
            FRANCECONNECT_REDIRECT_URIS=self.url + "/franceconnect/retour",
            FRANCECONNECT_POST_LOGOUT_REDIRECT_URI=self.url + "/franceconnect/deconnecte",
        )
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log = open(data_dir / "stack.log", "wb")  # noqa: SIM115 - closed in stop()

    def start(self) -> Stack:
        self._spawn(
            "gateway.tests.browser.franceconnect_provider",
            str(self.franceconnect_port),
            json.dumps(FRANCECONNECT_PERSON),
        )
        self._spawn("gateway.dev.mailbox")
        self._spawn("shared.runtime.runner", "identity", "lockout", "notification", "delegation")
        self._spawn("gateway")
        self._wait_until_ready()
        return self

    def gateway(self, **env: str) -> tuple[str, subprocess.Popen[bytes]]:
        """Another portal process on the same services, with its own settings."""
        port = free_port()
        process = self._spawn(
            "gateway", GATEWAY_PORT=str(port), GATEWAY_PUBLIC_URL=f"http://localhost:{port}", **env
        )
        url = f"http://localhost:{port}"
        _wait_http(url + "/connexion", 30)
        return url, process

    def backchannel(self, **env: str) -> subprocess.Popen[bytes]:
        """Caf connect's back-channel logout sender (gateway/oidc/backchannel.py), with the
        settings of the gateway it goes with (its registry, its issuer), once it consumes."""
        port = free_port()
        process = self._spawn("gateway.oidc.backchannel", BACKCHANNEL_HTTP_PORT=str(port), **env)
        _wait_http(f"http://127.0.0.1:{port}/health/ready", 30)
        return process

    def _spawn(self, module: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env={**self.env, **env},
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def _wait_until_ready(self) -> None:
        _wait_http(self.url + "/connexion", 60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the services answer once their queues exist
            response = requests.get(self.url + "/creer-mon-compte/etat-civil", timeout=10)
            if response.status_code == 200:
                return
            time.sleep(0.5)
        raise RuntimeError("the services did not answer; see " + str(self.data_dir / "stack.log"))

    def messages(self) -> list[dict[str, Any]]:
        folder = self.data_dir / "dev-mailbox"
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"), reverse=True)]

    def code_sent_to(self, address: str, after: int = 0, timeout: float = 20) -> str:
        """The newest 6-digit code mailed or texted to ``address`` (``after``: messages seen)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages() if _same_address(m["to"], address)]
            if len(found) > after:
                match = re.search(r"\b(\d{6})\b", found[0]["body"])
                if match:
                    return match.group(1)
            time.sleep(0.2)
        raise AssertionError(f"no code reached {address}")

    def count_to(self, address: str) -> int:
        return len([m for m in self.messages() if _same_address(m["to"], address)])

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()


def _same_address(received: str, address: str) -> bool:
    digits = re.sub(r"\D", "", address)
    if "@" in address:
        return address.lower() in received.lower()
    return re.sub(r"\D", "", received).endswith(digits[1:])


def _wait_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")
