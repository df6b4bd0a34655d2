"""« Mon historique »'s entries of what agents of the Caf looked at and did on the account
(SPEC §19): the person sees each look-up and action, with the date, the agency and the reason;
the agent's name only when the agency configures ``AGENT_NAME_SHOWN_TO_PERSON``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.runtime.agent_gate import AgentAct
from shared.runtime.personal_data import PersonalData
from shared.runtime.settings import ServiceSettings

from ..domain import Account
from ..store import IdentityStore
from .contact_change import AGENT_ACTIONS

#: what the person reads when the agent typed a reason of their own (older callers' free text,
#: kept for the agents' accountability but not shown: an agent's note is not written for them)
OTHER_REASON = "Autre motif"


def agent_entries(account: Account, settings: ServiceSettings) -> list[dict[str, Any]]:
    """« Mon historique »'s entries of agents' look-ups and actions, newest first:
    ``{"kind", "at", "agency", "reason", "action", "agent_name"}``, the reason as the person
    reads it, the name only when ``AGENT_NAME_SHOWN_TO_PERSON``."""
    labels = settings.agent_reason_labels
    show_name = settings.agent_name_shown_to_person
    entries = []
    for entry in reversed(account.agent_history):
        name: PersonalData | None = entry["agent_name"]
        reason = entry["reason"]
        entries.append(
            {
                "kind": entry["kind"],
                "at": entry["at"].isoformat(),
                "agency": entry["agency"],
                "reason": labels.get(reason, OTHER_REASON) if reason else OTHER_REASON,
                "action": entry["action"],
                "agent_name": name.value if show_name and name and not name.erased else None,
            }
        )
    return entries


def record_agent_act(
    store: IdentityStore,
    account: Account,
    action: str,
    act: AgentAct,
    at: datetime,
    kind: str = "agent_action",
) -> None:
    """Records on ``account`` (saved by the caller, with the action) that an agent looked at it
    (``kind="agent_lookup"``) or did ``action``; the name under the month key of
    ``agent_actions``, the reason as its code (None for free text)."""
    account.record_agent_act(
        kind=kind,
        action=action,
        agency=act.agency,
        reason=act.reason if act.reason_label is not None else None,
        agent_name=store.expiring(account.id, act.agent.name, AGENT_ACTIONS, at),
        at=at,
    )
