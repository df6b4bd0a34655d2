"""Backups follow the retention table: the prod overlay keeps no backup longer than the table
allows, so an expiry or an erasure reaches every copy (docs/privacy.md, "Backups")."""

import re
from pathlib import Path

from shared.privacy.privacy_page import BACKUP_RETENTION_DAYS, shortest_duration_days

PROD = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "overlays" / "prod"


def test_the_backup_retention_is_no_longer_than_the_shortest_duration():
    assert shortest_duration_days() >= BACKUP_RETENTION_DAYS


def test_every_backup_of_the_prod_overlay_is_kept_at_most_that_long():
    policies = [
        match
        for manifest in sorted(PROD.rglob("*.yaml"))
        for match in re.findall(r"retentionPolicy:\s*\"?(\d+)([dwm])\"?", manifest.read_text())
    ]
    assert policies, "no retentionPolicy in the prod overlay: backups would be kept forever"
    days = {"d": 1, "w": 7, "m": 31}
    assert all(int(n) * days[unit] <= BACKUP_RETENTION_DAYS for n, unit in policies), policies
