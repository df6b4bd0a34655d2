"""nameko entrypoints of the delegation service: validate at the edge, call the application.

Back office: ``register_household``, ``update_household``, ``household``,
``agent_household_view`` (the agents' console).
Gateways: ``delegation_prompt``, ``answer_delegation_prompt``, ``set_delegation``,
``delegation_status``, ``household_role``, ``declare_separation``, ``authorize``. Every method
is documented with an example in docs/api/delegation.md.
"""

from __future__ import annotations

from typing import Any

from shared import events
from shared.runtime.agent_gate import AgentGate, Agents
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import ApplicationDependency, CorrelationContext
from shared.runtime.observability import Observability
from shared.runtime.rpc import load_or_reject
from shared.runtime.rpc_entrypoint import rpc

from .application import DelegationApplication
from .schemas import (
    AccountForm,
    AuthorizeForm,
    DelegationChoiceForm,
    DossierForm,
    HouseholdForm,
    PersonForm,
    PromptAnswerForm,
)


class DelegationService:
    name = "delegation"
    correlation = CorrelationContext()
    app: DelegationApplication = ApplicationDependency(DelegationApplication)
    observability = Observability()
    agents: Agents = AgentGate()

    # --- back office ----------------------------------------------------------------------

    @rpc
    def register_household(
        self,
        dossier_number: Any,
        members: Any,
        operator: Any = None,
        agent_token: Any = None,
        reason: Any = None,
    ) -> dict[str, Any]:
        """Back office; the operator recorded is the agent of ``agent_token`` (docs/security.md).
        ``reason``: a code of AGENT_REASONS, shown to the members in « Mon historique »."""
        act = self.agents.act(
            "register_household", agent_token, operator, reason, reason_required=False
        )
        form = {
            "dossier_number": dossier_number,
            "members": members,
            "operator": act.operator or None,
        }
        data = load_or_reject(HouseholdForm(), form, code="invalid_household")
        return self.app.register_household(
            data["dossier_number"], data["members"], data["operator"], act
        )

    @rpc
    def update_household(
        self,
        dossier_number: Any,
        members: Any,
        operator: Any = None,
        agent_token: Any = None,
        reason: Any = None,
    ) -> dict[str, Any]:
        """Back office, as ``register_household``."""
        act = self.agents.act(
            "update_household", agent_token, operator, reason, reason_required=False
        )
        form = {
            "dossier_number": dossier_number,
            "members": members,
            "operator": act.operator or None,
        }
        data = load_or_reject(HouseholdForm(), form, code="invalid_household")
        return self.app.update_household(**data, act=act)

    @rpc
    def agent_household_view(
        self, identifier: Any, reason: Any, agent_token: Any = None, operator: Any = None
    ) -> dict[str, Any]:
        """The agents' console (SPEC §19): the household of the person with this NIR,
        ``{"found": True, "members": [{"role", "name", "is_person", …}], "delegation":
        {"state": "granted", "since": None}, …}`` or ``{"found": False}``."""
        self.agents.act("agent_household_view", agent_token, operator, reason)
        data = load_or_reject(PersonForm(), {"identifier": identifier})
        return self.app.agent_household_view(data["identifier"])

    @rpc
    def household(self, dossier_number: Any) -> dict[str, Any]:
        data = load_or_reject(DossierForm(), {"dossier_number": dossier_number})
        return self.app.household(data["dossier_number"])

    # --- gateways -------------------------------------------------------------------------

    @rpc
    def delegation_prompt(self, account_id: Any) -> dict[str, Any]:
        data = load_or_reject(AccountForm(), {"account_id": account_id})
        return self.app.delegation_prompt(data["account_id"])

    @rpc
    def answer_delegation_prompt(self, account_id: Any, answer: Any) -> dict[str, Any]:
        data = load_or_reject(PromptAnswerForm(), {"account_id": account_id, "answer": answer})
        return self.app.answer_delegation_prompt(data["account_id"], data["answer"])

    @rpc
    def set_delegation(self, account_id: Any, granted: Any) -> dict[str, Any]:
        data = load_or_reject(
            DelegationChoiceForm(), {"account_id": account_id, "granted": granted}
        )
        return self.app.set_delegation(data["account_id"], data["granted"])

    @rpc
    def delegation_status(self, account_id: Any) -> dict[str, Any]:
        data = load_or_reject(AccountForm(), {"account_id": account_id})
        return self.app.delegation_status(data["account_id"])

    @rpc
    def household_role(self, account_id: Any) -> dict[str, Any]:
        """The person's role in their household file only (Caf connect's userinfo):
        ``{"role": "allocataire" | "co_allocataire" | "conjoint" | "enfant" | "autre" | None}``."""
        data = load_or_reject(AccountForm(), {"account_id": account_id})
        return self.app.household_role(data["account_id"])

    @rpc
    def declare_separation(self, account_id: Any) -> dict[str, Any]:
        data = load_or_reject(AccountForm(), {"account_id": account_id})
        return self.app.declare_separation(data["account_id"])

    @rpc
    def authorize(
        self,
        account_id: Any,
        action: Any,
        target_account_id: Any = None,
        benefit: Any = None,
        channel: Any = None,
        kind: Any = None,
    ) -> dict[str, Any]:
        form = {
            "account_id": account_id,
            "action": action,
            "target_account_id": target_account_id,
            "benefit": benefit,
            "channel": channel,
            "kind": kind,
        }
        data = load_or_reject(AuthorizeForm(), form)
        return self.app.authorize(**data)

    # --- identity's events ----------------------------------------------------------------

    @integration_event_handler("identity", "AccountCreated")
    def on_account_created(self, envelope: events.Envelope) -> None:
        self.app.process(envelope, self.app.on_account_created)

    @integration_event_handler("identity", "NirAssigned")
    def on_nir_assigned(self, envelope: events.Envelope) -> None:
        self.app.process(envelope, self.app.on_nir_assigned)
