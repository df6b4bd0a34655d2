"""A person using only the keyboard (RGAA 12.13): Tab to reach a control, typing, Space or the
arrow keys for radio buttons, Enter to submit. No click, no programmatic focus or fill."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

MAX_TABS = 80  # more than any page of the portal has controls: a control out of reach fails


def focused(control: Locator) -> bool:
    return bool(control.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, control: Locator) -> None:
    """Presses Tab until ``control`` has the focus, or fails: it cannot be reached by keyboard."""
    for _ in range(MAX_TABS):
        if focused(control):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable with Tab: {control}")


def type_into(page: Page, control: Locator, text: str) -> None:
    tab_to(page, control)
    page.keyboard.type(text)


def choose(page: Page, group_first: Locator, choice: Locator) -> None:
    """A radio button: Tab into its group, then the arrow keys (which also check it)."""
    tab_to(page, group_first)
    for _ in range(10):
        if focused(choice):
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"not reachable with the arrow keys: {choice}")


def submit(page: Page, button: Locator) -> None:
    tab_to(page, button)
    page.keyboard.press("Enter")
