"""An erasure made by another process (``python -m audit erase``, another replica) reaches a
running service at once on PostgreSQL: it drops the subject's cached key and its cached
aggregates, instead of reading the personal data for up to the key cache's 60 s."""

from __future__ import annotations

import uuid

from shared.runtime.dependencies import ApplicationDependency
from shared.testing import application_of, relay_of, wait_for
from shared.tests.example_services import ExampleApplication, ExampleService


class CachingExampleApplication(ExampleApplication):
    name = "example"
    aggregate_cache_size = 100  # as identity and lockout: decrypted aggregates in memory


class CachingExampleService(ExampleService):
    app = ApplicationDependency(CachingExampleApplication)


def test_an_erasure_by_another_process_is_seen_by_the_running_service_at_once(services, rpc):
    # given a running service that has read a parcel's personal label (key and aggregate
    # cached in memory), with its store's listener connected
    service = services.start(CachingExampleService)
    app = application_of(service)
    parcel_id = uuid.UUID(
        rpc.example.register({"label": "Jeanne DUPONT", "weight_g": 7})["parcel_id"]
    )
    label = app.repository.get(parcel_id).label
    assert label.value == "Jeanne DUPONT"
    wait_for(lambda: relay_of(service)._listening, timeout=10)

    # when another process of the same store erases the subject's key
    auditor = CachingExampleApplication(app.settings)
    try:
        auditor.vault.erase(label.subject_id)
    finally:
        auditor.close()

    # then the running service reads the label as erased within moments (not after 60 s),
    # and the rest of the parcel's history still replays
    parcel = wait_for(
        lambda: (found := app.repository.get(parcel_id)).label.erased and found, timeout=5
    )
    assert parcel.label.value is None
    assert parcel.weight_g == 7
    assert app.vault.key_for(label.subject_id, create=True) is None  # and no new key is made
