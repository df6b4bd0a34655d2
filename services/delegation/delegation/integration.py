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

from shared.runtime.integration_events import IntegrationEvents, Translated

from .domain import HouseholdFile

TRANSLATIONS = IntegrationEvents()


def integration_event(domain_event: Any) -> Translated:
    return TRANSLATIONS.translate(domain_event)


def _text(account_id: uuid.UUID | None) -> str | None:
    return str(account_id) if account_id else None


@TRANSLATIONS.on(HouseholdFile.DelegationGranted)  # type: ignore[attr-defined]
def _granted(e: Any) -> Translated:
    if e.allocataire_account_id is None:
        return None  # granted through an account, so never happens; the contract needs it
    return "DelegationGranted", {
        "dossier_key": e.dossier_key,
        "allocataire_account_id": _text(e.allocataire_account_id),
        "spouse_account_id": _text(e.spouse_account_id),
    }


@TRANSLATIONS.on(HouseholdFile.DelegationRevoked)  # type: ignore[attr-defined]
def _revoked(e: Any) -> Translated:
    return "DelegationRevoked", {
        "dossier_key": e.dossier_key,
        "allocataire_account_id": _text(e.allocataire_account_id),
        "spouse_account_id": _text(e.spouse_account_id),
        "reason": e.reason,
    }


@TRANSLATIONS.on(HouseholdFile.FiledByAgent)  # type: ignore[attr-defined]
def _filed_by_agent(e: Any) -> Translated:
    if not e.account_ids:
        return None  # nobody with an account to tell
    return "HouseholdFiledByAgent", {
        "dossier_key": e.dossier_key,
        "action": e.action,
        "account_ids": list(e.account_ids),
        "operator": e.operator,
        "agency": e.agency,
        "reason": e.reason,
    }
