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
from typing import Any

from nameko.extensions import DependencyProvider

from . import metrics
from .agent_tokens import Agent, AgentTokenPolicy, AgentTokenVerifier
from .clock import Clock
from .rpc import InvalidInput
from .settings import ServiceSettings, SettingsError

log = logging.getLogger(__name__)


class Agents:
    def __init__(self, service: str, verifier: AgentTokenVerifier | None, clock: Clock) -> None:
        self.service = service
        self.verifier = verifier
        self.clock = clock

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
        self.agents = Agents(self.container.service_name, verifier, clock)

    def get_dependency(self, worker_ctx: Any) -> Agents:
        return self.agents
