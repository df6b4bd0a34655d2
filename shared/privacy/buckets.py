"""Month buckets: the second key of values that expire by time (docs/privacy.md).

A bucket is a key subject of the store's vault, one per category and calendar month (UTC),
named by a uuid5 so every process finds the same one without a table: ``connection_sources``
values of March 2024 are all under ``bucket_id("connection_sources", <any instant of March>)``.
A month expires when its last instant is older than the category's duration; the retention
job then destroys its key (:func:`shred_expired`), the same crypto-shredding as an erasure.

>>> bucket_id("deliveries", datetime(2024, 3, 5, tzinfo=UTC)) == bucket_id(
...     "deliveries", datetime(2024, 3, 31, 23, 59, tzinfo=UTC))
True
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.runtime.personal_data import PersonalData

BUCKET_NAMESPACE = uuid.UUID("3f1c2b8e-9d4a-4e7b-8c61-0a5d7e2f9b14")

#: The first month any store can hold (the service did not exist before): where the job starts.
FIRST_MONTH = datetime(2024, 1, 1, tzinfo=UTC)


def month_start(at: datetime) -> datetime:
    at = at.astimezone(UTC)
    return datetime(at.year, at.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)


def bucket_id(category: str, at: datetime) -> uuid.UUID:
    """The key subject of ``category``'s values of the month of ``at``."""
    return uuid.uuid5(BUCKET_NAMESPACE, f"{category}/{month_start(at):%Y-%m}")


def bucketed(subject_id: uuid.UUID, value: Any, category: str, at: datetime) -> PersonalData:
    """A personal value of ``subject_id`` that expires with ``category``'s month of ``at``.

    >>> bucketed(account_id, "203.0.113.7", "connection_sources", now)   # doctest: +SKIP
    PersonalData(…, ***)
    """
    return PersonalData(subject_id, value, bucket=bucket_id(category, at))


def readable_until(at: datetime, duration: timedelta) -> datetime:
    """When a value of the month of ``at`` stops being readable: its month's end + duration.

    >>> readable_until(datetime(2024, 3, 5, tzinfo=UTC), timedelta(days=30)).isoformat()
    '2024-05-01T00:00:00+00:00'
    """
    return next_month(month_start(at)) + duration


def expired_months(duration: timedelta, now: datetime) -> list[datetime]:
    """The months (their first instant) whose every instant is older than ``duration``."""
    months, start = [], FIRST_MONTH
    while readable_until(start, duration) <= now:
        months.append(start)
        start = next_month(start)
    return months


def shred_expired(vault: Any, category: str, duration: timedelta, now: datetime) -> int:
    """Destroys the keys of ``category``'s expired months; how many live keys it destroyed.

    A month whose key was never made (nothing stored then) or is already destroyed counts
    nothing, so running the job twice reports its work once.
    """
    candidates = [bucket_id(category, month) for month in expired_months(duration, now)]
    if not candidates:
        return 0
    marks = ", ".join(["%s"] * len(candidates))
    rows = vault.sql.execute(
        # erased_at, not wrapped_key: the retention role may not read a key
        "SELECT subject_id FROM {schema}personal_data_keys"
        f" WHERE erased_at IS NULL AND subject_id IN ({marks})",
        tuple(str(c) for c in candidates),
    )
    for (subject_id,) in rows:
        vault.erase(uuid.UUID(str(subject_id)))
    return len(rows)
