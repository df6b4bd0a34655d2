"""A change of contact details, whoever makes it (an agent of the Caf, or the person from « Mon
profil »): ONE journey records ContactsUpdated with the contacts sealed for notification, which
tells the previous contacts first and holds codes to the new ones (docs/notification.md,
CODE_HOLD_FOR_ANNOUNCEMENT_S). The operator is the agent, or ``SELF``.

>>> record_contact_change(store, clock, sealer, account_id, contacts, "agent-42")  # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.runtime.clock import Clock
from shared.runtime.sealing import Sealer

from ..civil_status import display_name
from ..domain import Account
from ..store import IdentityStore

AGENT_ACTIONS = "agent_actions"  # the retention table's row (docs/privacy.md)


def record_contact_change(
    store: IdentityStore,
    clock: Clock,
    sealer: Sealer,
    account_id: uuid.UUID,
    contacts: dict[str, Any] | Any,
    operator: str,
    reason: str | None = None,
    also: list[Any] | None = None,
    agent_act: Callable[[Account, datetime], None] | None = None,
    session_kept: str | None = None,
) -> None:
    """``contacts``: the whole new contact (``schemas.contacts_to_store``'s shape), or a
    function of the current one. ``also``: aggregates saved in the same transaction.
    ``agent_act``: records the agent's action on the account (« Mon historique »).
    The account's sessions end with the change (SPEC §18: the applications are told by
    back-channel logout), but ``session_kept``: the person's own session that made it."""

    def update() -> list[Any]:
        current: Account = store.get(account_id)
        new = contacts(current.contact.value or {}) if callable(contacts) else contacts
        civil = current.civil_status.value or {}
        sealed = sealer.seal(
            {"display_name": display_name(civil), "civility": civil.get("civility"), **new}
        )
        now = clock.now()
        current.update_contacts(
            contact=store.personal(account_id, new),
            sealed_contact=store.personal(account_id, sealed),
            operator=operator,
            reason=store.expiring(account_id, reason, AGENT_ACTIONS, now) if reason else None,
            at=now,
        )
        if agent_act is not None:
            agent_act(current, now)
        ended = store.revoke_sessions(account_id, "contact_change", keep=session_kept)
        return [current, ended, *(also or [])]

    store.save_with_retry(update)
