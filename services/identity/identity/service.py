"""nameko entrypoints of the identity service (spec §14): validate at the edge, then ask the
application. Invalid input raises ``InvalidInput`` (nothing stored); outcomes are results.

The lockout service is called over RPC with a timeout (``TimedRpcProxy``) for login attempts and
captchas.
"""

from __future__ import annotations

from typing import Any

from shared.events import Envelope
from shared.runtime import metrics
from shared.runtime.after_answer import AfterAnswer, Later
from shared.runtime.agent_gate import AgentGate, Agents
from shared.runtime.consumer import broadcast_event_handler, integration_event_handler
from shared.runtime.dependencies import CorrelationContext, RequestContext
from shared.runtime.observability import Observability
from shared.runtime.rpc import InvalidInput, TimedRpcProxy, load_or_reject
from shared.runtime.rpc_entrypoint import Request, rpc

from . import schemas
from .application import IdentityApplication
from .dependencies import IdentityApplicationDependency
from .franceconnect import schemas as fc_schemas
from .provider import schemas as provider_schemas


class IdentityService:
    name = "identity"

    app: IdentityApplication = IdentityApplicationDependency()
    correlation_id: str = CorrelationContext()
    request: Request = RequestContext()
    lockout: Any = TimedRpcProxy("lockout")
    after_answer: Later = AfterAnswer()
    agents: Agents = AgentGate()
    observability = Observability()

    # -- passwords and login -------------------------------------------------------------------

    @rpc
    def check_password(self, password: str) -> dict[str, Any]:
        """``check_password("Bonjour2024Caf")`` -> ``{"valid": True, "rules": [...]}``."""
        if not isinstance(password, str) or len(password) > 128:
            raise InvalidInput.for_field("password", "Texte de 128 caractères au plus attendu.")
        return self.app.check_password(password)

    @rpc(replays=True)  # a redelivery answers its recorded outcome (login.py)
    def login(
        self,
        identifier: str,
        password: str,
        captcha: dict[str, str] | None = None,
        source: dict[str, str] | None = None,
        franceconnect_link: str | None = None,
    ) -> dict[str, Any]:
        """``login("1 63 06 31 555 082", "Bonjour2024Caf")`` -> ``{"outcome": "ok", …}``.
        With ``franceconnect_link`` (from ``franceconnect_callback``), a successful login also
        links that FranceConnect identity: the answer then has ``franceconnect_link``."""
        data = load_or_reject(
            schemas.LoginForm(),
            {"identifier": identifier, "password": password, "captcha": captcha, "source": source},
        )
        link = load_or_reject(fc_schemas.LinkToken(), {"franceconnect_link": franceconnect_link})
        result = self.app.login.attempt(
            data["identifier"],
            data["password"],
            self.lockout,
            data["captcha"],
            data["source"],
            request=self.request,
            later=self.after_answer,
        )
        if link["franceconnect_link"]:
            result["franceconnect_link"] = self.app.franceconnect.link_after_login(
                link["franceconnect_link"], result
            )
        metrics.LOGINS.labels(outcome=result["outcome"]).inc()
        return result

    # -- lockout's freezes, kept by each replica (freeze_cache.py) --------------------------------

    # Every replica hears of each (its own queue), unlike the history's handler below.
    @broadcast_event_handler("lockout", "AccountFrozen")
    def freeze_cache_on_frozen(self, envelope: Envelope) -> None:
        self.app.freezes.from_frozen_event(envelope.payload, envelope.position)

    @broadcast_event_handler("lockout", "AccountUnfrozen")
    def freeze_cache_on_unfrozen(self, envelope: Envelope) -> None:
        self.app.freezes.forget(envelope.payload["identifier_key"], envelope.position)

    # -- registration --------------------------------------------------------------------------

    @rpc
    def start_registration(
        self, form: dict[str, Any], source: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Step 1, état civil: ``{"outcome": "started", "registration_id": …, "steps": […]}``.
        ``source`` (``{"ip", "user_agent"}``): a NIR looked up counts on it (throttle)."""
        data = load_or_reject(schemas.RegistrationForm(), form)
        origin = load_or_reject(schemas.SourceOnly(), {"source": source})["source"]
        return self.app.registration.start(
            schemas.registration_form_to_store(data), self.lockout, origin
        )

    @rpc
    def send_registration_code(
        self, registration_id: str, channel: str, address: str, confirmation: str
    ) -> dict[str, Any]:
        """Step 2: ``send_registration_code(rid, "sms", "06 12 34 56 12", "0612345612")``."""
        data = load_or_reject(
            schemas.SendRegistrationCode(),
            {"registration_id": registration_id, "channel": channel, "address": address,
             "confirmation": confirmation},
        )  # fmt: skip
        return self.app.registration.send_code(
            str(data["registration_id"]), data["channel"], data["address"]
        )

    @rpc
    def verify_registration_code(self, registration_id: str, code: str) -> dict[str, Any]:
        """``{"verified": True, "attempts_left": 3, "outcome": "verified", …}``."""
        data = load_or_reject(schemas.FlowCode(), {"flow_id": registration_id, "code": code})
        return self.app.registration.verify_code(str(data["flow_id"]), data["code"])

    @rpc
    def complete_registration(
        self, registration_id: str, password: str, confirmation: str
    ) -> dict[str, Any]:
        """Step 3 and the récapitulatif: ``{"account_id", "identifier", …}``."""
        flow = load_or_reject(schemas.FlowChannel(only=("flow_id",)), {"flow_id": registration_id})
        data = load_or_reject(
            schemas.NewPassword(), {"password": password, "confirmation": confirmation}
        )
        return self.app.registration.complete(
            str(flow["flow_id"]), data["password"], data["confirmation"]
        )

    @rpc
    def abandon_registration(self, registration_id: str) -> dict[str, Any]:
        """ "Quitter" on a step of Créer Mon Compte: the registration ends and its form is
        shredded; ``{"outcome": "abandoned", "registration_id": …, "step": "code"}``."""
        flow = load_or_reject(schemas.FlowChannel(only=("flow_id",)), {"flow_id": registration_id})
        return self.app.registration.abandon(str(flow["flow_id"]))

    # -- password reset ------------------------------------------------------------------------

    @rpc
    def start_password_reset(
        self,
        nir: str,
        birth_name: str,
        captcha: dict[str, str],
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``{"reset_id": …, "channels": [{"channel": "email", "masked": "d****n@t***.fr"}]}``.
        ``source``: the lookup counts on it (per-source throttle)."""
        data = load_or_reject(
            schemas.StartPasswordReset(),
            {"nir": nir, "birth_name": birth_name, "captcha": captcha, "source": source},
        )
        return self.app.password_reset.start(
            data["nir"], data["birth_name"], data["captcha"], self.lockout, data["source"]
        )

    @rpc
    def send_password_reset_code(self, reset_id: str, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "d****n@t***.fr", "expires_at": …}``."""
        data = load_or_reject(schemas.FlowChannel(), {"flow_id": reset_id, "channel": channel})
        return self.app.password_reset.send_code(str(data["flow_id"]), data["channel"])

    @rpc
    def verify_password_reset_code(self, reset_id: str, code: str) -> dict[str, Any]:
        """``{"verified": True, "attempts_left": 3, "outcome": "verified", …}``."""
        data = load_or_reject(schemas.FlowCode(), {"flow_id": reset_id, "code": code})
        return self.app.password_reset.verify_code(str(data["flow_id"]), data["code"])

    @rpc
    def complete_password_reset(
        self, reset_id: str, password: str, confirmation: str
    ) -> dict[str, Any]:
        """``{"outcome": "password_changed", "message": "Nouveau mot de passe enregistré"}``."""
        flow = load_or_reject(schemas.FlowChannel(only=("flow_id",)), {"flow_id": reset_id})
        data = load_or_reject(
            schemas.NewPassword(), {"password": password, "confirmation": confirmation}
        )
        return self.app.password_reset.complete(
            str(flow["flow_id"]), data["password"], data["confirmation"]
        )

    # -- identifier recovery -------------------------------------------------------------------

    @rpc
    def start_identifier_recovery(
        self,
        birth_name: str,
        first_names: str,
        birth_date: str,
        captcha: dict[str, str],
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``{"recovery_id": …, "channels": [{"channel": "sms", "masked": "06 ** ** ** 12"}]}``."""
        data = load_or_reject(
            schemas.StartIdentifierRecovery(),
            {"birth_name": birth_name, "first_names": first_names, "birth_date": birth_date,
             "captcha": captcha, "source": source},
        )  # fmt: skip
        return self.app.identifier_recovery.start(
            data["birth_name"], data["first_names"], data["birth_date"], data["captcha"],
            self.lockout, data["source"],
        )  # fmt: skip

    @rpc
    def send_identifier_recovery_code(self, recovery_id: str, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "06 ** ** ** 12", "expires_at": …}``."""
        data = load_or_reject(schemas.FlowChannel(), {"flow_id": recovery_id, "channel": channel})
        return self.app.identifier_recovery.send_code(str(data["flow_id"]), data["channel"])

    @rpc
    def complete_identifier_recovery(self, recovery_id: str, code: str) -> dict[str, Any]:
        """``{"outcome": "identifier_sent", "sent_to": "06 ** ** ** 12", …}``."""
        data = load_or_reject(schemas.FlowCode(), {"flow_id": recovery_id, "code": code})
        return self.app.identifier_recovery.complete(str(data["flow_id"]), data["code"])

    # -- sessions and "Gérer Mon Compte" -------------------------------------------------------

    @rpc
    def session_keys(self) -> dict[str, Any]:
        """The JWKS verifying session tokens: ``{"keys": [{"kty": "EC", "kid": …}]}``."""
        return self.app.sessions.keys()

    @rpc
    def verify_session(self, token: str) -> dict[str, Any]:
        """``{"valid": True, "account_id", "identifier_kind", "auth_method", "expires_at"}``."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.sessions.verify(data["token"])

    @rpc
    def logout(self, token: str) -> dict[str, Any]:
        """``{"outcome": "logged_out"}``; the token is refused from then on."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.sessions.logout(data["token"])

    @rpc
    def refresh_session(self, token: str) -> dict[str, Any]:
        """Extends a live session (sliding, within SESSION_MAX_LIFETIME_S of the login):
        ``{"outcome": "refreshed", "session": {"token", "token_type", "expires_at"}}``."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.sessions.refresh(data["token"])

    @rpc
    def logout_everywhere(self, token: str) -> dict[str, Any]:
        """Ends every session of the account, on every device: ``{"outcome": "logged_out"}``."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.sessions.logout_everywhere(data["token"])

    @rpc
    def change_password(
        self,
        token: str,
        current_password: str,
        password: str,
        confirmation: str,
        captcha: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``{"outcome": "changed", "message": "Nouveau mot de passe enregistré"}``."""
        data = load_or_reject(
            schemas.ChangePassword(),
            {"token": token, "current_password": current_password, "password": password,
             "confirmation": confirmation, "captcha": captcha},
        )  # fmt: skip
        return self.app.my_account.change_password(
            data["token"], data["current_password"], data["password"], data["confirmation"],
            self.lockout, data["captcha"], request_id=self.request.id,
        )  # fmt: skip

    @rpc
    def start_contact_change(
        self,
        token: str,
        current_password: str,
        channel: str,
        address: str,
        confirmation: str,
        captcha: dict[str, str] | None = None,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """« Mon profil » › « Modifier »: ``start_contact_change(token, "Bonjour2024Caf",
        "email", "d@test.fr", "d@test.fr")`` -> ``{"outcome": "code_sent", "change_id", …}``."""
        data = load_or_reject(
            schemas.StartContactChange(),
            {"token": token, "current_password": current_password, "channel": channel,
             "address": address, "confirmation": confirmation, "captcha": captcha,
             "source": source},
        )  # fmt: skip
        return self.app.my_contacts.start(
            data["token"], data["current_password"], data["channel"], data["address"],
            self.lockout, data["captcha"], data["source"], request_id=self.request.id,
        )  # fmt: skip

    @rpc
    def confirm_contact_change(self, token: str, change_id: str, code: str) -> dict[str, Any]:
        """The code sent to the new address: ``{"outcome": "changed", "message": …}``."""
        data = load_or_reject(
            schemas.ConfirmContactChange(), {"token": token, "change_id": change_id, "code": code}
        )
        return self.app.my_contacts.confirm(data["token"], str(data["change_id"]), data["code"])

    @rpc
    def account_summary(self, token: str) -> dict[str, Any]:
        """``{"identifier_display", "civil_status", "contact", "last_login_at", …}``."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.my_account.summary(data["token"])

    @rpc
    def connection_history(self, token: str) -> list[dict[str, Any]]:
        """``[{"at", "method", "outcome", "source"}]``, newest first."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.my_account.history(data["token"])

    # -- FranceConnect (docs/franceconnect.md) -------------------------------------------------

    @rpc
    def franceconnect_start(self, redirect_uri: str | None = None) -> dict[str, Any]:
        """``{"outcome": "redirect", "authorization_url": "https://…/authorize?…", "state": …}``."""
        data = load_or_reject(fc_schemas.FranceConnectStart(), {"redirect_uri": redirect_uri})
        return self.app.franceconnect.start(data["redirect_uri"])

    @rpc
    def franceconnect_callback(
        self,
        code: str | None = None,
        state: str | None = None,
        error: str | None = None,
        iss: str | None = None,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``franceconnect_callback(code, state)`` -> same shape as ``login``
        (``{"outcome": "ok", "session": {…}, …}`` or ``link_required`` with a ``link_token``)."""
        data = load_or_reject(
            fc_schemas.FranceConnectCallback(),
            {"code": code, "state": state, "error": error, "iss": iss, "source": source},
        )
        return self.app.franceconnect.callback(
            data["code"], data["state"], data["error"], data["iss"], data["source"]
        )

    @rpc
    def franceconnect_logout(self, token: str) -> dict[str, Any]:
        """``{"outcome": "logged_out", "logout_url": "https://…/session/end?…", "state": …}``."""
        data = load_or_reject(schemas.Token(), {"token": token})
        return self.app.franceconnect.logout(data["token"])

    # -- Caf connect: Mon Compte as an OpenID provider (spec §18, provider/) ---------------------

    @rpc
    def oidc_authorize(self, token: str | None, request: dict[str, Any]) -> dict[str, Any]:
        """A code for a checked authorization request and the portal session ``token``:
        ``{"outcome": "code", "code": …}``, ``{"outcome": "login_required", "reason": …}`` or
        ``{"outcome": "consent_required", "scopes": […]}``."""
        if token is not None and (not isinstance(token, str) or len(token) > 4096):
            raise InvalidInput.for_field("token", "Jeton de session invalide.")
        data = load_or_reject(provider_schemas.AuthorizeRequest(), request)
        return self.app.provider.authorize(token, data)

    @rpc
    def oidc_redeem_code(self, code: str, client_id: str) -> dict[str, Any]:
        """The token endpoint's single use of a code: ``{"outcome": "redeemed", "grant": {…}}``
        or ``{"outcome": "invalid_grant", "reason": …}``."""
        data = load_or_reject(provider_schemas.Redeem(), {"code": code, "client_id": client_id})
        return self.app.provider.redeem(data["code"], data["client_id"])

    @rpc
    def oidc_note_assertion(self, client_id: str, jti: str, expires_at: str) -> dict[str, Any]:
        """A ``private_key_jwt`` assertion's single use: ``{"outcome": "new" | "replayed"}``."""
        data = load_or_reject(
            provider_schemas.Assertion(),
            {"client_id": client_id, "jti": jti, "expires_at": expires_at},
        )
        return self.app.provider.note_assertion(data["client_id"], data["jti"], data["expires_at"])

    @rpc
    def oidc_userinfo(self, client_id: str, subject: str, scopes: list[str]) -> dict[str, Any]:
        """``{"outcome": "ok", "claims": {"sub": …, "family_name": …}}`` by scope."""
        data = load_or_reject(
            provider_schemas.Userinfo(),
            {"client_id": client_id, "subject": subject, "scopes": scopes},
        )
        return self.app.provider.userinfo(data["client_id"], data["subject"], data["scopes"])

    # -- Caf connect: the tokens' life (issue #34, provider/refresh.py) ------------------------

    @rpc
    def oidc_start_family(
        self, code: str, client_id: str, refresh_ttl_s: int | None
    ) -> dict[str, Any]:
        """The family of the tokens of a code just redeemed by ``client_id``, with its first
        refresh token when ``refresh_ttl_s`` is given: ``{"outcome": "started", "family": …,
        "refresh_token": … | None}`` or ``{"outcome": "refused", …}``."""
        data = load_or_reject(
            provider_schemas.StartFamily(),
            {"code": code, "client_id": client_id, "refresh_ttl_s": refresh_ttl_s},
        )
        return self.app.token_life.start(data["code"], data["client_id"], data["refresh_ttl_s"])

    @rpc
    def oidc_refresh(self, refresh_token: str, client_id: str) -> dict[str, Any]:
        """Rotation: ``{"outcome": "rotated", "grant": {…}, "family": …, "refresh_token": …}``,
        or ``{"outcome": "invalid_grant", "reason": …}`` (``reused`` ended the family)."""
        data = load_or_reject(
            provider_schemas.Refresh(), {"refresh_token": refresh_token, "client_id": client_id}
        )
        return self.app.token_life.refresh(data["refresh_token"], data["client_id"])

    @rpc
    def oidc_token_status(self, family: str | None, refresh_token: str | None) -> dict[str, Any]:
        """``{"active": True, "client_id": …, "sub": …, "scope": …, "sid": …}`` or
        ``{"active": False, "reason": …}`` for an access token's family or a refresh token."""
        data = load_or_reject(
            provider_schemas.TokenRef(), {"family": family, "refresh_token": refresh_token}
        )
        return self.app.token_life.status(data["family"], data["refresh_token"])

    @rpc
    def oidc_revoke(
        self, family: str | None, refresh_token: str | None, client_id: str
    ) -> dict[str, Any]:
        """RFC 7009: ends the family of the token if it is ``client_id``'s:
        ``{"outcome": "revoked" | "unknown"}``."""
        data = load_or_reject(
            provider_schemas.TokenRef(),
            {"family": family, "refresh_token": refresh_token, "client_id": client_id},
        )
        return self.app.token_life.revoke(data["family"], data["refresh_token"], client_id)

    # -- Caf connect: back-channel logout (issue #34, provider/backchannel.py) ------------------

    @rpc
    def oidc_backchannel_logout(self, logout_id: str) -> dict[str, Any]:
        """A logout due to an application (``BackchannelLogoutDue``), what its logout token
        says: ``{"outcome": "due", "client_id": …, "sid": …, "sub": …}``, or ``{"outcome":
        "delivered"}`` (never sent again) or ``{"outcome": "unknown"}``."""
        data = load_or_reject(provider_schemas.LogoutRef(), {"logout_id": logout_id})
        return self.app.backchannel.logout(data["logout_id"])

    @rpc
    def oidc_logout_delivered(self, logout_id: str, jti: str) -> dict[str, Any]:
        """The application answered 2xx to the logout token ``jti``: ``{"outcome": "recorded"
        | "already" | "unknown"}``."""
        data = load_or_reject(
            provider_schemas.LogoutDelivered(), {"logout_id": logout_id, "jti": jti}
        )
        return self.app.backchannel.delivered(data["logout_id"], data["jti"])

    # -- back office ---------------------------------------------------------------------------

    @rpc
    def assign_nir(
        self,
        provisional_identifier: str,
        nir: str,
        operator: str | None = None,
        reason: str | None = None,
        agent_token: str | None = None,
    ) -> dict[str, Any]:
        """``assign_nir("P33392250", "1 62 09 99 …", agent_token="eyJ…")`` -> ``{"outcome": …}``.
        The operator recorded is the agent of ``agent_token`` (docs/security.md)."""
        act = self.agents.act("assign_nir", agent_token, operator, reason, reason_required=False)
        data = load_or_reject(
            schemas.AssignNir(),
            {"provisional_identifier": provisional_identifier, "nir": nir,
             "operator": act.operator, "reason": reason},
        )  # fmt: skip
        return self.app.back_office.assign_nir(
            data["provisional_identifier"], data["nir"], data["operator"], data["reason"], act
        )

    @rpc
    def update_contacts(
        self,
        identifier: str,
        contacts: dict[str, Any],
        operator: str | None = None,
        reason: str | None = None,
        agent_token: str | None = None,
    ) -> dict[str, Any]:
        """``update_contacts("P33392250", {"email": "d@test.fr"}, reason="appel du 05/03",
        agent_token="eyJ…")`` -> ``{"outcome": "updated"}``."""
        act = self.agents.act(
            "update_contacts", agent_token, operator, reason, reason_required=False
        )
        data = load_or_reject(
            schemas.UpdateContacts(),
            {"identifier": identifier, "contacts": contacts, "operator": act.operator,
             "reason": reason},
        )  # fmt: skip
        return self.app.back_office.update_contacts(
            data["identifier"], schemas.contacts_to_store(data["contacts"]), data["operator"],
            data["reason"], act,
        )  # fmt: skip

    # -- the agents' console (SPEC §19, journeys/agent_console.py) -----------------------------

    @rpc
    def agent_find_account(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> dict[str, Any]:
        """``agent_find_account("P33392250", "appel", agent_token="eyJ…")`` ->
        ``{"found": True, "account": {"identifier_display", "contacts": {"email":
        "d****l@t***.fr", …, "full": False}, "sessions_open", "history": […], …}}`` or
        ``{"found": False}``. Recorded either way; over ``AGENT_LOOKUPS_PER_DAY``:
        ``agent_lookup_limit``. Full contacts only for a role allowed
        ``identity.view_full_contacts``."""
        act = self.agents.act("agent_find_account", agent_token, operator, reason)
        data = load_or_reject(schemas.AgentLookup(), {"identifier": identifier})
        full = self.agents.allows(act.agent, "view_full_contacts")
        return self.app.agent_console.find_account(
            data["identifier"], act, full, self.app.my_account.history_of
        )

    @rpc
    def agent_end_sessions(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> dict[str, Any]:
        """Ends every session of the person: ``{"outcome": "ended", "sessions_ended": 2}``."""
        act = self.agents.act("agent_end_sessions", agent_token, operator, reason)
        data = load_or_reject(schemas.AgentLookup(), {"identifier": identifier})
        return self.app.agent_console.end_sessions(data["identifier"], act)

    @rpc
    def agent_send_code_by_letter(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> dict[str, Any]:
        """A « mot de passe oublié » code by letter to the postal address on file:
        ``{"outcome": "sent", "reset_id": …, "expires_at": …}``; none on file:
        ``no_postal_address``."""
        act = self.agents.act("agent_send_code_by_letter", agent_token, operator, reason)
        data = load_or_reject(schemas.AgentLookup(), {"identifier": identifier})
        return self.app.agent_console.send_code_by_letter(data["identifier"], act)

    @integration_event_handler("lockout", "AccountUnfrozen")
    def on_account_unfrozen(self, envelope: Envelope) -> None:
        """An agent lifted a freeze: « Mon historique » shows it (agency, reason)."""
        if envelope.payload["lifted_by"] != "operator":
            return
        self.app.process(envelope, lambda e: self.app.agent_console.freeze_lifted(e.payload))

    @integration_event_handler("delegation", "HouseholdFiledByAgent")
    def on_household_filed_by_agent(self, envelope: Envelope) -> None:
        """An agent filed or changed a household: each member's « Mon historique » shows it."""
        self.app.process(envelope, lambda e: self.app.agent_console.household_filed(e.payload))
