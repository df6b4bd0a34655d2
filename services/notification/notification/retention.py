"""The notification store's part of the retention job (docs/privacy.md): the month keys of
expired deliveries are destroyed, so their masked addresses read as erased; the person's view
(``deliveries``) already leaves them out.

>>> expire(app)   # doctest: +SKIP
{'deliveries': 1}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.privacy.buckets import shred_expired
from shared.privacy.retention import ROWS

if TYPE_CHECKING:
    from .application import NotificationApplication


def expire(app: NotificationApplication) -> dict[str, int]:
    """Runs the notification rows of the retention table at the app's ``now``."""
    kept_for = ROWS["deliveries"].duration(app.settings)
    assert kept_for is not None
    return {"deliveries": shred_expired(app.vault, "deliveries", kept_for, app.clock.now())}
