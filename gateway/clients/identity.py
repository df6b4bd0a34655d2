"""identity's RPC methods as the gateway calls them (docs/api/identity.md; the contract:
services/identity/identity/service.py). Answers are identity's, passed on as they are."""

from __future__ import annotations

from typing import Any

from .base import ServiceClient

Answer = dict[str, Any]
Captcha = dict[str, str]
Source = dict[str, str]


class IdentityClient(ServiceClient):
    service = "identity"

    def check_password(self, password: str) -> Answer:
        return self._rpc("check_password", password)

    def login(
        self,
        identifier: str,
        password: str,
        captcha: Captcha | None = None,
        source: Source | None = None,
        franceconnect_link: str | None = None,
    ) -> Answer:
        return self._rpc(
            "login",
            identifier,
            password,
            captcha=captcha,
            source=source,
            franceconnect_link=franceconnect_link,
        )

    def start_registration(self, form: dict[str, Any], source: Source | None = None) -> Answer:
        return self._rpc("start_registration", form, source=source)

    def send_registration_code(
        self, registration_id: str, channel: str, address: str, confirmation: str
    ) -> Answer:
        return self._rpc("send_registration_code", registration_id, channel, address, confirmation)

    def verify_registration_code(self, registration_id: str, code: str) -> Answer:
        return self._rpc("verify_registration_code", registration_id, code)

    def complete_registration(
        self, registration_id: str, password: str, confirmation: str
    ) -> Answer:
        return self._rpc("complete_registration", registration_id, password, confirmation)

    def abandon_registration(self, registration_id: str) -> Answer:
        return self._rpc("abandon_registration", registration_id)

    def start_password_reset(
        self, nir: str, birth_name: str, captcha: Captcha | None, source: Source | None = None
    ) -> Answer:
        return self._rpc("start_password_reset", nir, birth_name, captcha, source=source)

    def send_password_reset_code(self, reset_id: str, channel: str) -> Answer:
        return self._rpc("send_password_reset_code", reset_id, channel)

    def verify_password_reset_code(self, reset_id: str, code: str) -> Answer:
        return self._rpc("verify_password_reset_code", reset_id, code)

    def complete_password_reset(self, reset_id: str, password: str, confirmation: str) -> Answer:
        return self._rpc("complete_password_reset", reset_id, password, confirmation)

    def start_identifier_recovery(
        self,
        birth_name: str,
        first_names: str,
        birth_date: str,
        captcha: Captcha | None,
        source: Source | None = None,
    ) -> Answer:
        return self._rpc(
            "start_identifier_recovery", birth_name, first_names, birth_date, captcha, source=source
        )

    def send_identifier_recovery_code(self, recovery_id: str, channel: str) -> Answer:
        return self._rpc("send_identifier_recovery_code", recovery_id, channel)

    def complete_identifier_recovery(self, recovery_id: str, code: str) -> Answer:
        return self._rpc("complete_identifier_recovery", recovery_id, code)

    def session_keys(self) -> Answer:
        return self._rpc("session_keys")

    def verify_session(self, token: str | None) -> Answer:
        return self._rpc("verify_session", token)

    def logout(self, token: str | None) -> Answer:
        return self._rpc("logout", token)

    def refresh_session(self, token: str | None) -> Answer:
        return self._rpc("refresh_session", token)

    def logout_everywhere(self, token: str | None) -> Answer:
        return self._rpc("logout_everywhere", token)

    def change_password(
        self,
        token: str | None,
        current_password: str,
        password: str,
        confirmation: str,
        captcha: Captcha | None = None,
    ) -> Answer:
        return self._rpc(
            "change_password", token, current_password, password, confirmation, captcha=captcha
        )

    def start_contact_change(
        self,
        token: str | None,
        current_password: str,
        channel: str,
        address: str,
        confirmation: str,
        captcha: Captcha | None = None,
        source: Source | None = None,
    ) -> Answer:
        return self._rpc(
            "start_contact_change", token, current_password, channel, address, confirmation,
            captcha=captcha, source=source,
        )  # fmt: skip

    def confirm_contact_change(self, token: str | None, change_id: str, code: str) -> Answer:
        return self._rpc("confirm_contact_change", token, change_id, code)

    def account_summary(self, token: str | None) -> Answer:
        return self._rpc("account_summary", token)

    def connection_history(self, token: str | None) -> list[Answer]:
        return self._rpc("connection_history", token)

    def franceconnect_start(self, redirect_uri: str | None = None) -> Answer:
        return self._rpc("franceconnect_start", redirect_uri=redirect_uri)

    def franceconnect_callback(
        self,
        code: str | None = None,
        state: str | None = None,
        error: str | None = None,
        iss: str | None = None,
        source: Source | None = None,
    ) -> Answer:
        return self._rpc("franceconnect_callback", code, state, error=error, iss=iss, source=source)

    def franceconnect_logout(self, token: str | None) -> Answer:
        return self._rpc("franceconnect_logout", token)

    # -- Caf connect (gateway/oidc/) -------------------------------------------------------------

    def oidc_authorize(self, token: str | None, request: dict[str, Any]) -> Answer:
        return self._rpc("oidc_authorize", token, request)

    def oidc_redeem_code(self, code: str, client_id: str) -> Answer:
        return self._rpc("oidc_redeem_code", code, client_id)

    def oidc_note_assertion(self, client_id: str, jti: str, expires_at: str) -> Answer:
        return self._rpc("oidc_note_assertion", client_id, jti, expires_at)

    def oidc_userinfo(self, client_id: str, subject: str, scopes: list[str]) -> Answer:
        return self._rpc("oidc_userinfo", client_id, subject, scopes)
