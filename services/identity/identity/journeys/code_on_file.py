"""A code to a channel already on file: the step password reset and identifier recovery share
(spec §8). The person picks one of the masked channels the flow offered; a decoy flow (no
account) answers alike and sends nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.runtime.rpc import InvalidInput

from .. import messages
from ..civil_status import display_name
from ..domain import CodeFlow
from ..store import IdentityStore
from .channels import address_for, offered_channel
from .code_steps import CodeSteps


@dataclass
class CodeOnFile:
    store: IdentityStore
    steps: CodeSteps

    def send(self, flow: CodeFlow, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "d****n@t***.fr", "expires_at": "…"}``."""
        refuse_if_completed(flow)
        masked = offered_channel(flow.channels.value or [], channel)  # type: ignore[union-attr]
        refusal = self.steps.resend_refusal(flow)
        if refusal:
            return refusal
        account = self.store.get(flow.account_id) if flow.account_id else None
        sent = self.steps.issue(
            flow,
            purpose=flow.journey,
            account_id=flow.account_id,
            subject_id=flow.account_id or flow.id,
            channel=channel,
            address=address_for(account.contact.value, channel) if account else None,
            display_name=display_name(account.civil_status.value or {}) if account else None,
        )
        self.store.save(flow)
        note = (
            messages.CODE_SINGLE_USE_THEN_PASSWORD
            if flow.journey == "password_reset"
            else messages.CODE_SINGLE_USE
        )
        return {"outcome": "sent", "sent_to": masked, **sent, "message": note}


def refuse_if_completed(flow: CodeFlow) -> None:
    if flow.completed:
        field = FLOW_FIELD[flow.journey]
        raise InvalidInput(
            code="flow_completed",
            fields={field: ["Cette démarche est terminée : recommencez si besoin."]},
        )


#: the RPC argument that names a flow of each journey (field-level errors name it)
FLOW_FIELD = {
    "registration": "registration_id",
    "password_reset": "reset_id",
    "identifier_recovery": "recovery_id",
    "contact_change": "change_id",
}
