"""The forced password-renewal campaign of February-March 2024 (seed), as configuration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from identity.renewal_campaign import CHANGED_BEFORE, ENCOURAGE_FROM, ENFORCE_FROM, RenewalCampaign

OLD = CHANGED_BEFORE - timedelta(days=30)
FRESH = CHANGED_BEFORE + timedelta(hours=1)


@pytest.mark.parametrize(
    ("changed_at", "now", "decision"),
    [
        (OLD, ENCOURAGE_FROM - timedelta(seconds=1), "none"),
        (OLD, ENCOURAGE_FROM, "recommended"),
        (OLD, ENFORCE_FROM - timedelta(seconds=1), "recommended"),
        (OLD, ENFORCE_FROM, "reset_required"),
        (OLD, ENFORCE_FROM + timedelta(days=900), "reset_required"),
        (FRESH, ENCOURAGE_FROM, "none"),
        (FRESH, ENFORCE_FROM, "none"),
    ],
)
def test_the_decision_follows_the_window_and_the_last_change(changed_at, now, decision):
    assert RenewalCampaign().decision(changed_at=changed_at, now=now) == decision


def test_the_seed_dates_are_midnight_in_paris():
    assert ENFORCE_FROM.isoformat() == "2024-03-07T23:00:00+00:00"


def test_a_disabled_campaign_decides_nothing():
    assert RenewalCampaign(enabled=False).decision(changed_at=OLD, now=ENFORCE_FROM) == "none"
