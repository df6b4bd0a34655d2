"""Browser tests of the agents' console: Debian's chromium (Playwright) against the real
services, the development agents' provider and the console (agents.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lockout.captcha_voices import generate
from playwright.sync_api import Page

from connexion_client import ConnexionClient
from shared.testing.browser import SCREENSHOTS
from shared.testing.infrastructure import Vhost

from .agents import AgentsStack, Console, People, stack_with_console


@pytest.fixture(scope="session")
def agents_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentsStack]:
    vhost = Vhost()
    vhost.create()
    voices = tmp_path_factory.mktemp("captcha-voices")
    generate(voices)
    running = stack_with_console(vhost.uri, tmp_path_factory.mktemp("console-stack"), voices)
    yield running
    running.stop()
    vhost.delete()


@pytest.fixture(scope="session")
def people(agents_stack: AgentsStack) -> Iterator[People]:
    client = ConnexionClient(agents_stack.stack.env["AMQP_URI"], timeout=30)
    yield People(agents_stack.stack, client)
    client.close()


@pytest.fixture
def console(page: Page, agents_stack: AgentsStack, request: pytest.FixtureRequest) -> Console:
    return Console(page, agents_stack.url, SCREENSHOTS, request.node.name.removeprefix("test_"))
