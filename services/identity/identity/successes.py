"""The checks this identity replica saw succeed, until the identifier's next reservation carries
them to lockout (issue #28, third round).

Lockout settles a login's check from its ``LoginSucceeded``; until that event arrives the check
counts as a failure. A person logging in again and again (an app, a reader in tests/faults) while
events lag would meet a captcha: the next ``reserve_attempt`` of the same identifier therefore
carries the successes this replica recorded (``successes``), settled in the same save as the new
reservation. This replaces the ``report_attempt`` that followed every success (one RPC round trip
and one lockout transaction a login); the event still settles a check nobody carried.

It can only settle what a right password earned, earlier than the event would: never grant a
check. Another replica's successes are not known here (their events settle them; with events
stuck, at most one per other replica stays counted: the captcha comes at 3).

Per replica, in memory, keyed by the identifier's keyed pseudonym (never the identifier), at most
``max_entries`` identifiers (least recently used first out), ``PER_IDENTIFIER`` checks each, and
forgotten after ``max_age_s`` (past lockout's reservation timeout a check is settled anyway).

>>> successes = Successes(max_entries=10_000, max_age_s=60)
>>> successes.add("ab" * 32, "2d9e6a4c-0000-4000-8000-000000000000." + "5f" * 16)
>>> [success.reservation_id[:8] for success in successes.take("ab" * 32)]
['2d9e6a4c']
>>> successes.take("ab" * 32)
[]
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

#: at most this many successes carried for one identifier (lockout accepts 16)
PER_IDENTIFIER = 4


class Success(NamedTuple):
    """A right password's check, and when (``monotonic``) its login was recorded."""

    at: float
    reservation_id: str


class Successes:
    def __init__(
        self,
        max_entries: int = 10_000,
        max_age_s: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self.monotonic = monotonic
        self._checks: OrderedDict[str, list[Success]] = OrderedDict()

    def add(self, identifier_key: str, reservation_id: str) -> None:
        """A check of ``identifier_key`` whose password was right, its login recorded."""
        self._keep(identifier_key, [Success(self.monotonic(), reservation_id)])

    def take(self, identifier_key: str) -> list[Success]:
        """The successes to carry with the identifier's next reservation (then forgotten here:
        lockout settles them in that reservation's save, or their events do)."""
        kept = self._checks.pop(identifier_key, None)
        if not kept:
            return []
        oldest = self.monotonic() - self.max_age_s
        return [success for success in kept if success.at > oldest]

    def give_back(self, identifier_key: str, taken: list[Success]) -> None:
        """Successes taken for a reservation whose answer never came: carried by the next one,
        still dated from their logins (so forgotten when they would have been)."""
        self._keep(identifier_key, taken)

    def _keep(self, identifier_key: str, successes: list[Success]) -> None:
        kept = sorted([*self._checks.pop(identifier_key, []), *successes])
        self._checks[identifier_key] = kept[-PER_IDENTIFIER:]
        while len(self._checks) > self.max_entries:
            self._checks.popitem(last=False)
