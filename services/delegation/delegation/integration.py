"""Domain events -> integration events (what the outbox relay publishes on delegation.events).

Only the delegation's life cycle leaves the service: DelegationGranted and DelegationRevoked,
with account ids and the dossier pseudonym, never a name or a NIR. The notification service
tells the spouse.

>>> integration_event(granted_event)[0]   # doctest: +SKIP
'DelegationGranted'
"""

from __future__ import annotations

import uuid
from typing import Any

from .domain import HouseholdFile


def _text(account_id: uuid.UUID | None) -> str | None:
    return str(account_id) if account_id else None


def integration_event(domain_event: Any) -> tuple[str, dict[str, Any]] | None:
    if isinstance(domain_event, HouseholdFile.DelegationGranted):  # type: ignore[attr-defined]
        if domain_event.allocataire_account_id is None:
            return None  # granted through an account, so never happens; the contract needs it
        return "DelegationGranted", {
            "dossier_key": domain_event.dossier_key,
            "allocataire_account_id": _text(domain_event.allocataire_account_id),
            "spouse_account_id": _text(domain_event.spouse_account_id),
        }
    if isinstance(domain_event, HouseholdFile.DelegationRevoked):  # type: ignore[attr-defined]
        return "DelegationRevoked", {
            "dossier_key": domain_event.dossier_key,
            "allocataire_account_id": _text(domain_event.allocataire_account_id),
            "spouse_account_id": _text(domain_event.spouse_account_id),
            "reason": domain_event.reason,
        }
    return None
