"""The lockout rules as configuration: the ladder, captcha, reservations and source throttling.

Nothing here is stored: each decision is taken under the policy in force, and what a decision
produced (a freeze and its end, a throttle and its end) is recorded in the event itself, so a
change of configuration never rewrites history.

>>> LadderPolicy().freeze_duration(failures=6)
datetime.timedelta(seconds=1200)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class LadderPolicy:
    """Spec §6: 1-2 failures attempts left, captcha from the 3rd, freeze 10 min / 20 min / 1 h /
    24 h from the 5th failure on; a reservation never reported counts as a failure."""

    attempts_before_freeze: int = 5
    captcha_after_failures: int = 3
    freeze_durations_s: tuple[float, ...] = (600, 1200, 3600, 86400)
    reservation_timeout_s: float = 30
    idle_forget_days: float = 30

    def __post_init__(self) -> None:
        if self.attempts_before_freeze < 1 or not self.freeze_durations_s:
            raise ValueError("the ladder needs at least one attempt and one freeze duration")
        if any(d <= 0 for d in self.freeze_durations_s):
            raise ValueError("freeze durations must be positive")

    def freeze_duration(self, failures: int) -> timedelta:
        """The freeze that the ``failures``-th consecutive failure triggers (the last repeats)."""
        rank = max(0, failures - self.attempts_before_freeze)
        index = min(rank, len(self.freeze_durations_s) - 1)
        return timedelta(seconds=self.freeze_durations_s[index])

    def freezes_at(self, failures: int) -> bool:
        """Every failure from the threshold on freezes (5th: 10 min, 6th: 20 min, …)."""
        return failures >= self.attempts_before_freeze

    @property
    def reservation_timeout(self) -> timedelta:
        return timedelta(seconds=self.reservation_timeout_s)

    @property
    def idle_forget_after(self) -> timedelta:
        return timedelta(days=self.idle_forget_days)


@dataclass(frozen=True)
class SourcePolicy:
    """Credential stuffing: a source failing against ``max_identifiers`` distinct identifiers
    within ``window_s`` is throttled for ``throttle_s``, without touching the victims' ladders."""

    max_identifiers: int = 20
    window_s: float = 600
    throttle_s: float = 900
    #: the limit of a partner's address range (France Services desks, …): many people, one IP
    partner_max_identifiers: int = 200

    def limit(self, partner: bool) -> int:
        return self.partner_max_identifiers if partner else self.max_identifiers

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_s)

    @property
    def throttle(self) -> timedelta:
        return timedelta(seconds=self.throttle_s)


@dataclass(frozen=True)
class CaptchaPolicy:
    """Image challenges: answer length and alphabet, and how long a challenge stays valid."""

    length: int = 5
    # No 0/O, 1/I/L: the image must be readable; case does not matter (answers are upper-cased).
    alphabet: str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    ttl_s: float = 300

    @property
    def ttl(self) -> timedelta:
        return timedelta(seconds=self.ttl_s)
