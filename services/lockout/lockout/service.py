"""nameko entrypoints of the lockout service: validate at the edge, then ask the application.

Public (spec §14): new_captcha, new_audio_captcha, status, lift_freeze. Internal (identity only,
contracts.md): reserve_attempt, report_attempt, check_captcha.
"""

from __future__ import annotations

from typing import Any

from shared.events import Envelope
from shared.runtime.agent_gate import AgentGate, Agents
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import ApplicationDependency, CorrelationContext, RequestContext
from shared.runtime.observability import Observability
from shared.runtime.rpc import load_or_reject
from shared.runtime.rpc_entrypoint import Request, rpc

from . import schemas
from .application import LockoutApplication
from .settings import LockoutSettings


class LockoutService:
    name = "lockout"

    app: LockoutApplication = ApplicationDependency(LockoutApplication, LockoutSettings)
    correlation: str = CorrelationContext()
    request: Request = RequestContext()
    observability = Observability()
    agents: Agents = AgentGate()

    # Identity waits for these two: a redelivery answers for real, from the reservation keyed
    # by identity's request and a report already settled (request_outcomes.py: keyed).
    @rpc(keyed=True)
    def reserve_attempt(
        self,
        identifier_key: str,
        source_key: str | None = None,
        captcha_id: str | None = None,
        captcha_answer: str | None = None,
        source_partner: bool = False,
        request_id: str | None = None,
        successes: list[str] | None = None,
    ) -> dict[str, Any]:
        """Internal: may one password check happen now? Recorded before answering.
        ``source_partner``: the source is in a partner's address range (higher limit). Keyed by
        the caller's ``request_id`` (else this request's own id): a redelivery is counted once.
        ``successes``: earlier checks of this identifier the caller saw succeed (settled first,
        in the same save, like their ``LoginSucceeded`` would: issue #28)."""
        data = load_or_reject(
            schemas.ReserveAttempt(),
            {
                "identifier_key": identifier_key,
                "source_key": source_key,
                "captcha_id": captcha_id,
                "captcha_answer": captcha_answer,
                "source_partner": source_partner,
                "request_id": request_id or self.request.id,
                "successes": successes,
            },
        )
        return self.app.reserve_attempt(**data)

    @rpc
    def note_lookup(
        self, identifier_key: str, source_key: str | None = None, source_partner: bool = False
    ) -> dict[str, Any]:
        """Internal: a lookup that may reveal an account (registration with a NIR, password
        reset, identifier recovery) counts on its source: ``{"source_throttled": False}``."""
        data = load_or_reject(
            schemas.NoteLookup(),
            {
                "identifier_key": identifier_key,
                "source_key": source_key,
                "source_partner": source_partner,
            },
        )
        return self.app.note_lookup(**data)

    @rpc(keyed=True)
    def report_attempt(self, reservation_id: str, succeeded: bool) -> dict[str, Any]:
        """Internal: the outcome of a reserved check (success resets, failure counts)."""
        data = load_or_reject(
            schemas.ReportAttempt(), {"reservation_id": reservation_id, "succeeded": succeeded}
        )
        return self.app.report_attempt(**data)

    @rpc
    def check_captcha(self, captcha_id: str, answer: str) -> dict[str, bool]:
        """Internal: checks and spends a captcha (registration without NIR, password reset)."""
        data = load_or_reject(schemas.CheckCaptcha(), {"captcha_id": captcha_id, "answer": answer})
        return self.app.check_captcha(**data)

    @rpc
    def new_captcha(self) -> dict[str, Any]:
        """A new image challenge: {captcha_id, image_png_base64}."""
        return self.app.new_captcha()

    @rpc
    def new_audio_captcha(self) -> dict[str, Any]:
        """A new audio challenge of digits: {captcha_id, audio_wav_base64, digits}."""
        return self.app.new_audio_captcha()

    @rpc
    def status(self, identifier: str) -> dict[str, Any]:
        """Back office / portal: where an identifier stands on the ladder."""
        data = load_or_reject(schemas.Status(), {"identifier": identifier})
        return self.app.status(**data)

    @rpc
    def lift_freeze(
        self,
        identifier: str,
        operator: str | None = None,
        reason: str | None = None,
        agent_token: str | None = None,
    ) -> dict[str, str]:
        """Back office: lifts an active freeze, recording who (the agent of ``agent_token``)
        and why: ``lift_freeze("1 63 06 31 555 082", reason="appel", agent_token="eyJ…")``."""
        act = self.agents.act("lift_freeze", agent_token, operator, reason, reason_required=False)
        data = load_or_reject(
            schemas.LiftFreeze(),
            {"identifier": identifier, "operator": act.operator, "reason": reason},
        )
        code = act.reason if act.reason_label is not None else None
        return self.app.lift_freeze(**data, agency=act.agency, reason_code=code)

    @rpc
    def agent_freeze_status(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> dict[str, Any]:
        """The agents' console (SPEC §19): ``{"frozen": True, "until": "…", "seconds_left":
        412, "failures": 5, "captcha_required": True}`` or ``{"frozen": False, …}``."""
        self.agents.act("agent_freeze_status", agent_token, operator, reason)
        data = load_or_reject(schemas.Status(), {"identifier": identifier})
        return self.app.freeze_status(**data)

    @integration_event_handler("identity", "PasswordChanged")
    def on_password_changed(self, envelope: Envelope) -> None:
        if envelope.payload["reason"] != "reset":
            return  # a change while logged in: the login already reset the ladder
        key = envelope.payload["identifier_key"]
        self.app.process(envelope, lambda _: self.app.reset_after_password_reset(key))

    # A login's check is settled by the login's own event (issue #28): identity does not wait
    # for a report. Until the event is processed the check counts as a failure; with no event
    # after LOCKOUT_RESERVATION_TIMEOUT_S it is settled as one.
    # Settling a settled check changes nothing (ladder.report): the handler may run again.
    @integration_event_handler("identity", "LoginSucceeded")
    def on_login_succeeded(self, envelope: Envelope) -> None:
        self.app.process(
            envelope,
            lambda e: self.app.settle_from_login("LoginSucceeded", e.payload),
            idempotent=True,
        )

    @integration_event_handler("identity", "LoginFailed")
    def on_login_failed(self, envelope: Envelope) -> None:
        self.app.process(
            envelope,
            lambda e: self.app.settle_from_login("LoginFailed", e.payload),
            idempotent=True,
        )

    @integration_event_handler("identity", "NirAssigned")
    def on_nir_assigned(self, envelope: Envelope) -> None:
        key = envelope.payload["identifier_key"]
        self.app.process(envelope, lambda _: self.app.reset_after_nir_assigned(key))
