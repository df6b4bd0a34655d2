"""Tamper evidence check: recomputes each store's hash chain (shared.runtime.chain)."""

from __future__ import annotations

from typing import Any

from shared.runtime.chain import ChainReport


def check_chain(app: Any) -> ChainReport:
    """``check_chain(stores["identity"]).breaks`` names each altered/removed/inserted event."""
    return app.chain.verify(app.process_recorder)


def report_dict(store: str, report: ChainReport) -> dict[str, Any]:
    return {
        "store": store,
        "checked": report.checked,
        "pending": report.pending,
        "head": report.head,
        "breaks": [
            {"notification_id": b.notification_id, "kind": b.kind, "what": b.describe()}
            for b in report.breaks
        ],
    }
