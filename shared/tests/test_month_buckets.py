"""Month buckets: a value under a person's key and a month's key is unreadable as soon as
either key is destroyed, while its event still replays; the job destroys only the months
whose every instant is past the duration, and counts each month once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.domain import Aggregate, event

from shared.privacy.buckets import (
    bucket_id,
    bucketed,
    expired_months,
    readable_until,
    shred_expired,
)
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.settings import ServiceSettings
from shared.testing import both_stores

MARCH = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
DAYS_30 = timedelta(days=30)


class Visit(Aggregate):
    @event("Recorded")
    def __init__(self, source: object) -> None:
        self.source = source


class VisitsApplication(ServiceApplication):
    name = "visits"


@pytest.fixture
def app(service_config):
    application = VisitsApplication(ServiceSettings.from_mapping(service_config, "visits"))
    yield application
    application.close()


def test_a_month_expires_when_its_last_instant_is_older_than_the_duration():
    assert readable_until(MARCH, DAYS_30) == datetime(2024, 5, 1, tzinfo=UTC)
    assert expired_months(DAYS_30, datetime(2024, 4, 30, 23, tzinfo=UTC)) == [
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2024, 2, 1, tzinfo=UTC),
    ]
    assert datetime(2024, 3, 1, tzinfo=UTC) in expired_months(
        DAYS_30, readable_until(MARCH, DAYS_30)
    )
    assert bucket_id("a", MARCH) != bucket_id("b", MARCH) != bucket_id("a", MARCH + DAYS_30)


@both_stores
def test_the_job_shreds_the_expired_month_and_the_event_still_replays(app):
    person = uuid.uuid4()
    march = Visit(bucketed(person, {"ip": "203.0.113.7"}, "connection_sources", MARCH))
    april = Visit(bucketed(person, {"ip": "198.51.100.4"}, "connection_sources", MARCH + DAYS_30))
    app.save(march, april)

    assert (
        shred_expired(app.vault, "connection_sources", DAYS_30, datetime(2024, 4, 30, tzinfo=UTC))
        == 0
    )
    assert (
        shred_expired(app.vault, "connection_sources", DAYS_30, datetime(2024, 5, 2, tzinfo=UTC))
        == 1
    )
    assert (
        shred_expired(app.vault, "connection_sources", DAYS_30, datetime(2024, 5, 2, tzinfo=UTC))
        == 0
    )

    reread = VisitsApplication(app.settings)  # another process: no cached key
    try:
        assert reread.repository.get(march.id).source.erased
        assert reread.repository.get(april.id).source.value == {"ip": "198.51.100.4"}
    finally:
        reread.close()


@both_stores
def test_erasing_the_person_reaches_values_kept_under_a_month_key(app):
    person = uuid.uuid4()
    visit = Visit(bucketed(person, {"ip": "203.0.113.7"}, "connection_sources", MARCH))
    app.save(visit)

    app.vault.erase(person)

    assert app.repository.get(visit.id).source.erased
    assert app.vault.key_for(bucket_id("connection_sources", MARCH), create=False) is not None
