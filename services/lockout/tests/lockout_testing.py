"""Helpers of the lockout tests (a module of its own: conftest.py is not importable by name
when several services' tests run together)."""

from __future__ import annotations

from typing import Any

from lockout.service import LockoutService

from shared.identifiers import parse_identifier
from shared.runtime.clock import FrozenClock
from shared.runtime.pseudonyms import Pseudonymizer
from shared.testing import application_of

#: The answer every captcha has in tests (injected, never sent over RPC).
CAPTCHA_ANSWER = "K7PZQ"


class Lockout:
    """The lockout service under test: started containers share the test's clock and answer."""

    def __init__(self, services: Any, clock: FrozenClock, keys: Pseudonymizer):
        self.services = services
        self.clock = clock
        self.keys = keys
        self.containers: list[Any] = []

    def start(self, **config: Any) -> Any:
        container = self.services.start(LockoutService, CLOCK=self.clock, **config)
        application_of(container).captcha_answers = lambda: CAPTCHA_ANSWER
        self.containers.append(container)
        return container

    def restart(self, container: Any) -> Any:
        restarted = self.services.restart(container)
        application_of(restarted).captcha_answers = lambda: CAPTCHA_ANSWER
        self.containers[self.containers.index(container)] = restarted
        return restarted

    def key_of(self, identifier: str) -> str:
        """identifier_key as identity computes it (contracts.md)."""
        return self.keys.of("identifier", parse_identifier(identifier).value)
