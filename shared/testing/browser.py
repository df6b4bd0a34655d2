"""One headless Chromium for the whole test session (Debian's, driven by Playwright), shared by
every browser test: the portal's (gateway/tests/browser) and the agents' console's
(console/tests/browser). Playwright's sync API allows one instance per thread, so the browser is
a fixture of this plugin (conftest.py's ``pytest_plugins``), never of a suite's own conftest.
Each test gets its own browser context (cookies) through ``page``.

Between two of its calls, Playwright's sync API leaves its event loop marked as the thread's
running loop (its dispatcher runs it). Under eventlet every green thread of the process shares
that mark: a later test of the same process that runs a loop of its own (aiosmtpd's SMTP
receivers) would fail with "Cannot run the event loop while another loop is running". So the
mark is lifted after each test and given back only to the tests that use the browser
(``make test`` runs browser tests and others in the same processes: shared/testing/parallel.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


#: Playwright's event loop, once the session's browser is launched
_playwright_loop: list[Any] = []


@pytest.fixture(autouse=True)
def _playwright_loop_only_for_browser_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    if _playwright_loop:
        uses_browser = "browser" in request.fixturenames
        asyncio._set_running_loop(_playwright_loop[0] if uses_browser else None)
    yield
    if _playwright_loop:
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: make portal-deps installs it (apt-get install chromium)")
    # Not stopped: Playwright's stop() never returns under eventlet (the test process is
    # monkey-patched for nameko); its driver ends with the process, as the browser does here.
    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    )
    _playwright_loop.append(asyncio.get_running_loop())
    yield launched
    asyncio._set_running_loop(_playwright_loop[0])
    launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    yield opened
    context.close()
