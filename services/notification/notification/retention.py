"""The notification store's part of the retention job (docs/privacy.md): the month keys of
expired deliveries are destroyed, so their masked addresses read as erased; the person's view
(``deliveries``) already leaves them out. The letter spool's day folders past their time are
deleted (spool.py).

>>> expire(app)   # doctest: +SKIP
{'deliveries': 1, 'letter_spool': 3}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.privacy.buckets import shred_expired
from shared.privacy.retention import ROWS

from .spool import expire_spool

if TYPE_CHECKING:
    from .application import NotificationApplication


def expire(app: NotificationApplication) -> dict[str, int]:
    """Runs the notification rows of the retention table at the app's ``now``."""
    now = app.clock.now()
    kept_for = ROWS["deliveries"].duration(app.settings)
    letters_kept_for = ROWS["letter_spool"].duration(app.settings)
    assert kept_for is not None and letters_kept_for is not None
    return {
        "deliveries": shred_expired(app.vault, "deliveries", kept_for, now),
        "letter_spool": expire_spool(app.settings.spool_dir, (now - letters_kept_for).date()),
    }
