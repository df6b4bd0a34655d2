"""A change of contact details is announced to the previous contacts before any code goes to
the new ones (SPEC §16): a verification code for an account is held while an announcement of
that account's contact change, requested before it, is still unsent, for at most ``hold``.

The bound keeps a failing channel (the old mobile's SMS gateway down, an old mailbox refusing)
from blocking the person's codes for ever: once the announcement is sent, given up, or older
than ``hold``, the code goes.

>>> held_back(code, [announcement], now, timedelta(minutes=2))   # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .domain import Delivery

HELD_KIND = "verification_code"
ANNOUNCEMENT_KIND = "contacts_changed"


def may_be_held(delivery: Delivery) -> bool:
    """Only codes to an account wait (a registration's code has no previous contact)."""
    return delivery.kind == HELD_KIND and delivery.account_id is not None


def held_back(
    delivery: Delivery, of_the_account: Iterable[Delivery], now: datetime, hold: timedelta
) -> bool:
    """Whether ``delivery`` waits for an announcement among the account's deliveries."""
    if not may_be_held(delivery):
        return False
    return any(
        other.kind == ANNOUNCEMENT_KIND
        and not other.finished
        and other.requested_at <= delivery.requested_at
        and now < other.requested_at + hold
        for other in of_the_account
    )
