"""The back-office methods' gate: who the agent is, from the access token of the call.

``agents = AgentGate()`` in a service class; in a back-office method::

    agent = self.agents.require("update_contacts", agent_token, operator)
    self.app.update_contacts(…, agent.operator)

With ``AGENT_TOKEN_ISSUER`` set (required in production), the token is verified
(:mod:`shared.runtime.agent_tokens`) and the ``operator`` argument is ignored: the operator
recorded is the token's. Without it (development, test only) the ``operator`` argument is taken
as is. Every refusal is logged (no token in the log) and counted in
``caf_agent_refusals_total{service, method, reason}``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from nameko.extensions import DependencyProvider

from . import metrics
from .agent_tokens import Agent, AgentTokenPolicy, AgentTokenVerifier
from .clock import Clock
from .rpc import InvalidInput
from .settings import DEFAULT_AGENT_REASONS, ServiceSettings, SettingsError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentAct:
    """A back-office call allowed for ``agent``, with its reason (a code of ``AGENT_REASONS``,
    or older callers' free text: ``reason_label`` is then None) and the agency shown to the
    person (the token's ``agency`` claim, else ``AGENT_DEFAULT_AGENCY``)."""

    agent: Agent
    reason: str | None
    reason_label: str | None
    agency: str

    @property
    def operator(self) -> str:
        return self.agent.operator


class Agents:
    def __init__(
        self,
        service: str,
        verifier: AgentTokenVerifier | None,
        clock: Clock,
        reasons: dict[str, str] | None = None,
        default_agency: str = "Caf",
    ) -> None:
        self.service = service
        self.verifier = verifier
        self.clock = clock
        self.reasons = dict(reasons if reasons is not None else DEFAULT_AGENT_REASONS)
        self.default_agency = default_agency

    def act(
        self,
        method: str,
        agent_token: Any,
        operator: Any = None,
        reason: Any = None,
        reason_required: bool = True,
    ) -> AgentAct:
        """:meth:`require`, then the reason checked against ``AGENT_REASONS``: ``invalid_input``
        on field ``reason`` when it is not one of its codes (``reason_required=False``: the
        older methods also take none, or free text, kept as before)."""
        agent = self.require(method, agent_token, operator)
        if reason_required and not agent.subject:  # the older methods' schemas say it
            raise InvalidInput.for_field("operator", "Agent non identifié.")
        label = self.reasons.get(reason) if isinstance(reason, str) else None
        if label is None and reason_required:
            raise InvalidInput.for_field(
                "reason", "Choisissez un motif dans la liste : " + ", ".join(self.reasons) + "."
            )
        return AgentAct(
            agent=agent,
            reason=reason if isinstance(reason, str) and reason else None,
            reason_label=label,
            agency=agent.agency or self.default_agency,
        )

    def allows(self, agent: Agent, method: str) -> bool:
        """Whether the agent's roles allow the pseudo-method ``method`` of this service (e.g.
        ``view_full_contacts``). Without verified tokens (development, test): never."""
        return self.verifier is not None and self.verifier.allows(agent, self.service, method)

    def require(self, method: str, agent_token: Any, operator: Any = None) -> Agent:
        """The agent calling ``method``, or ``InvalidInput`` ``agent_unauthorized``."""
        try:
            if self.verifier is None:  # development and test only (settings refuse it else):
                # the operator argument as given, validated by the method's schema as before
                given = operator if isinstance(operator, str) else ""
                return Agent(subject=given, name=given, roles=())
            return self.verifier.verify(agent_token, self.service, method, self.clock.now())
        except InvalidInput as refusal:
            reason = str(refusal.detail.get("reason", "unknown"))
            metrics.AGENT_REFUSALS.labels(service=self.service, method=method, reason=reason).inc()
            log.warning("back-office call %s.%s refused: %s", self.service, method, reason)
            raise


def require_agent_tokens(settings: ServiceSettings) -> None:
    """A service with back-office methods refuses to start in production without the agents'
    token issuer, its keys and the role table."""
    if settings.environment == "production" and not (
        settings.agent_token_issuer
        and settings.agent_token_jwks_uri
        and settings.agent_role_methods
    ):
        raise SettingsError(
            "AGENT_TOKEN_ISSUER, AGENT_TOKEN_JWKS_URI and AGENT_ROLE_METHODS are required in "
            "production: back-office calls need agents' access tokens (docs/security.md)"
        )


class AgentGate(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        settings = ServiceSettings.from_mapping(config, self.container.service_name)
        require_agent_tokens(settings)
        verifier = None
        if settings.agent_token_issuer:
            verifier = AgentTokenVerifier(
                AgentTokenPolicy(
                    issuer=settings.agent_token_issuer,
                    jwks_uri=settings.agent_token_jwks_uri,
                    role_methods=dict(settings.agent_role_methods or {}),
                    acr_values=settings.agent_token_acr_values,
                )
            )
        clock = config.get("CLOCK") or Clock()
        self.agents = Agents(
            self.container.service_name,
            verifier,
            clock,
            settings.agent_reason_labels,
            settings.agent_default_agency,
        )

    def get_dependency(self, worker_ctx: Any) -> Agents:
        return self.agents
