"""Browser tests of the portal: Playwright driving Debian's Chromium (headless) through the real
system (stack.py). One browser for the session (``browser`` and ``page`` come from the plugin
shared/testing/browser.py); each test its own browser context (cookies)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lockout.captcha_voices import generate
from playwright.sync_api import Page

from connexion_client import ConnexionClient
from shared.testing.browser import SCREENSHOTS
from shared.testing.infrastructure import Vhost

from .portal import Portal
from .stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    vhost = Vhost()
    vhost.create()
    voices = tmp_path_factory.mktemp("captcha-voices")
    generate(voices)
    running = Stack(vhost.uri, tmp_path_factory.mktemp("portal-stack"), voices).start()
    yield running
    running.stop()
    vhost.delete()


@pytest.fixture(scope="session")
def back_office(stack: Stack) -> Iterator[ConnexionClient]:
    """RPC as the agency's back office would call it (households), outside the portal."""
    client = ConnexionClient(stack.env["AMQP_URI"], timeout=30)
    yield client
    client.close()


@pytest.fixture
def portal(page: Page, stack: Stack, request: pytest.FixtureRequest) -> Portal:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return Portal(page, stack, SCREENSHOTS, request.node.name.removeprefix("test_"))
