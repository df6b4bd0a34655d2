"""The system the console's browser tests drive: the portal's stack (the four services, the
mailbox, the portal: gateway/tests/browser/stack.py) whose services verify agents' tokens from
the development agents' provider, that provider (``--single-factor``: a test may sign in
without the second factor) and the console, each a real process.

People are registered, frozen and looked at over RPC (as the portal would call), and the
console is driven in Debian's chromium as an agent would.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from connexion_client import ConnexionClient
from console.dev.agents_provider import AGENTS, DEVELOPMENT_OTP, ROLE_METHODS
from gateway.tests.browser.stack import CAPTCHA, Stack, _wait_http, free_port
from shared.testing.journeys.people import PASSWORD, WRONG_PASSWORD, Person


def stack_with_console(amqp_uri: str, data_dir: Path, voices: Path) -> AgentsStack:
    provider_port, console_port, spare_port = free_port(), free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    console_url = f"http://localhost:{console_port}"
    stack = Stack(
        amqp_uri,
        data_dir,
        voices,
        AGENT_TOKEN_ISSUER=issuer,
        AGENT_TOKEN_JWKS_URI=issuer + "/jwks",
        AGENT_ROLE_METHODS=json.dumps(ROLE_METHODS),
        AGENT_TOKEN_ACR_VALUES="mfa",
        CONSOLE_OIDC_ISSUER=issuer,
        CONSOLE_OIDC_CLIENT_SECRET=secrets.token_urlsafe(32),
        CONSOLE_DEV_PROVIDER_PORT=str(provider_port),
        CONSOLE_PORT=str(console_port),
        CONSOLE_PUBLIC_URL=console_url,
        CONSOLE_SECRET_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        CONSOLE_DEV_PROVIDER_OTHER_CONSOLES=f"http://localhost:{spare_port}",
    )
    stack._spawn("console.dev.agents_provider", "--single-factor")
    _wait_http(issuer + "/.well-known/openid-configuration", 30)
    stack.start()
    stack._spawn("console")
    _wait_http(console_url + "/", 30)
    return AgentsStack(stack, console_url, issuer, spare_port)


@dataclass
class AgentsStack:
    stack: Stack
    url: str
    issuer: str
    spare_port: int

    def console(self, **env: str) -> tuple[str, subprocess.Popen[bytes]]:
        """Another console process (one at a time: the provider knows one more console) on the
        same provider and services, with its own settings."""
        port = self.spare_port
        url = f"http://localhost:{port}"
        process = self.stack._spawn(
            "console", CONSOLE_PORT=str(port), CONSOLE_PUBLIC_URL=url, **env
        )
        _wait_http(url + "/", 30)
        return url, process

    def stop(self) -> None:
        self.stack.stop()


class People:
    """Accounts made over RPC, as the portal makes them, with codes from the dev mailbox."""

    def __init__(self, stack: Stack, client: ConnexionClient):
        self.stack = stack
        self.rpc = client

    def captcha(self) -> dict[str, str]:
        return {
            "captcha_id": self.rpc.call("lockout", "new_captcha")["captcha_id"],
            "answer": CAPTCHA,
        }

    def register(self, person: Person) -> str:
        started = self.rpc.call(
            "identity", "start_registration", person.registration_form(self.captcha())
        )
        seen = self.stack.count_to(person.address)
        self.rpc.call(
            "identity",
            "send_registration_code",
            started["registration_id"],
            person.channel,
            person.address,
            person.address,
        )
        code = self.stack.code_sent_to(person.address, after=seen)
        verified = self.rpc.call(
            "identity", "verify_registration_code", started["registration_id"], code
        )
        assert verified["verified"], verified
        recap = self.rpc.call(
            "identity", "complete_registration", started["registration_id"], PASSWORD, PASSWORD
        )
        assert recap["outcome"] == "created", recap
        return str(recap["identifier"])

    def login(self, identifier: str, password: str = PASSWORD) -> dict[str, Any]:
        return dict(
            self.rpc.call("identity", "login", identifier, password, captcha=self.captcha())
        )

    def freeze(self, identifier: str) -> dict[str, Any]:
        """Wrong passwords until the ladder freezes the account."""
        for _ in range(8):
            answer = self.login(identifier, WRONG_PASSWORD)
            if answer["outcome"] == "frozen":
                return answer
        raise AssertionError(f"never frozen: {answer}")


class Console:
    """The console as an agent uses it, in the browser."""

    def __init__(self, page: Page, url: str, screenshots: Path, name: str):
        self.page = page
        self.url = url
        self.screenshots = screenshots
        self.name = name

    def sign_in(self, username: str, second_factor: bool = True) -> None:
        agent = AGENTS[username]
        page = self.page
        page.goto(self.url + "/")
        page.get_by_role("button", name="Se connecter avec mon compte agent").click()
        page.fill("#username", username)
        page.fill("#password", agent.password)
        page.get_by_role("button", name="Continuer").click()
        if second_factor:
            page.fill("#code", DEVELOPMENT_OTP)
            page.get_by_role("button", name="Valider").click()
        else:
            page.get_by_role("button", name="Continuer sans second facteur").click()

    def find(self, identifier: str, reason: str = "appel") -> None:
        page = self.page
        page.goto(self.url + "/recherche")
        page.fill("#identifier", identifier)
        page.select_option("#reason", reason)
        page.get_by_role("button", name="Rechercher").click()

    def act(self, action: str, reason: str = "appel", **fields: str) -> None:
        """From the dossier: the action's link, its form, then « Confirmer »."""
        page = self.page
        page.get_by_role("link", name=action).click()
        for name, value in fields.items():
            page.fill(f"#{name}", value)
        page.select_option("#reason", reason)
        page.get_by_role("button", name="Continuer").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Confirmer")
        page.get_by_role("button", name="Confirmer").click()

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()

    def shot(self, step: str) -> None:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(self.screenshots / f"console-{self.name}-{step}.png"), full_page=True
        )


def identifier_pattern(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def wait_until(check: Any, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")
