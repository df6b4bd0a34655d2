"""Lockout's freezes, as one identity replica last heard of them (issue #28, decision 1).

A login whose identifier is in here is answered « frozen » without asking lockout: one RPC and
lockout's ladder load fewer for the refusals an attacker repeats. The cache can only refuse
earlier, never grant a password check: a miss asks lockout, which decides as before; an entry
only ever answers « frozen », with no check.

Filled from a freeze lockout has **recorded** (``reserve_attempt``'s ``freeze_recorded``, and the
``AccountFrozen`` integration event), never from a freeze lockout merely projects from checks in
flight (such a check may still succeed and lift it without any event). Dropped on
``AccountUnfrozen`` (an agent's ``lift_freeze``, a password reset, a successful login after a
freeze), on the freeze's end (its ``until``, on the service's clock), and after ``max_age`` at
the latest whatever happened: an event this replica missed (its broadcast queue lives as long
as its connection; a NIR assignment resets a ladder silently) refuses for that long at most.

Per replica, in memory, at most ``max_entries`` (the least recently used go first). Keyed by the
identifier's keyed pseudonym, never the identifier: nothing here names anyone.

>>> cache = FreezeCache(clock, max_entries=10_000, max_age_s=60)      # doctest: +SKIP
>>> cache.remember("ab" * 32, until=datetime(2024, 3, 5, 9, 40, tzinfo=UTC), failures=5)
>>> cache.refusal("ab" * 32)["decision"]                               # doctest: +SKIP
'frozen'
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.runtime.clock import Clock


@dataclass(frozen=True)
class Freeze:
    until: datetime
    failures: int
    heard_at: float  # monotonic: for max_age


class FreezeCache:
    def __init__(
        self,
        clock: Clock,
        max_entries: int,
        max_age_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self.monotonic = monotonic
        self._freezes: OrderedDict[str, Freeze] = OrderedDict()
        # identifier key -> (when it was dropped (monotonic), the event's position or None):
        # an answer asked before a drop, or an older AccountFrozen, does not bring it back
        self._dropped: OrderedDict[str, tuple[float, int | None]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_age_s > 0

    def __len__(self) -> int:
        return len(self._freezes)

    def refusal(self, identifier_key: str) -> dict[str, Any] | None:
        """Lockout's ``frozen`` answer for a freeze known here and still running, else None."""
        freeze = self._freezes.get(identifier_key)
        if freeze is None:
            return None
        now = self.clock.now()
        if freeze.until <= now or self.monotonic() - freeze.heard_at >= self.max_age_s:
            del self._freezes[identifier_key]
            return None
        self._freezes.move_to_end(identifier_key)
        return {
            "decision": "frozen",
            "reservation_id": None,
            "granted_before": False,
            "failures": freeze.failures,
            "attempts_left": 0,
            "captcha_required": True,
            "captcha_invalid": False,
            "frozen_until": freeze.until.isoformat(),
            "retry_after_s": math.ceil((freeze.until - now).total_seconds()),
            "on_success": None,
        }

    def asked_at(self) -> float:
        """When a question to lockout left (:meth:`from_answer` takes it back)."""
        return self.monotonic()

    def from_answer(self, identifier_key: str, answer: dict[str, Any], asked_at: float) -> None:
        """Keeps a ``frozen`` answer of ``reserve_attempt`` whose freeze lockout recorded,
        unless the freeze was dropped here after the question left (its answer is older)."""
        if answer.get("decision") != "frozen" or not answer.get("freeze_recorded"):
            return
        until = answer.get("frozen_until")
        if not until:
            return
        dropped = self._dropped.get(identifier_key)
        if dropped is not None and dropped[0] >= asked_at:
            return
        self.remember(identifier_key, datetime.fromisoformat(until), int(answer["failures"]))

    def from_frozen_event(self, payload: dict[str, Any], position: int | None) -> None:
        """``AccountFrozen``: kept unless an ``AccountUnfrozen`` published after it came first."""
        key = payload["identifier_key"]
        dropped = self._dropped.get(key)
        later = dropped[1] if dropped is not None else None
        if later is not None and position is not None and later > position:
            return
        until = payload["frozen_until"]
        if isinstance(until, str):
            until = datetime.fromisoformat(until)
        self.remember(key, until, int(payload["failures"]))

    def remember(self, identifier_key: str, until: datetime, failures: int) -> None:
        if not self.enabled or until <= self.clock.now():
            return
        self._freezes[identifier_key] = Freeze(until, failures, self.monotonic())
        self._freezes.move_to_end(identifier_key)
        while len(self._freezes) > self.max_entries:
            self._freezes.popitem(last=False)

    def forget(self, identifier_key: str, position: int | None = None) -> None:
        """``AccountUnfrozen`` (or a reset this replica made): the next login asks lockout."""
        self._freezes.pop(identifier_key, None)
        self._dropped[identifier_key] = (self.monotonic(), position)
        self._dropped.move_to_end(identifier_key)
        while len(self._dropped) > max(self.max_entries, 1):
            self._dropped.popitem(last=False)
