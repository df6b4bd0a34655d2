"""The HTTP edge of the API: marshmallow schemas the handlers validate with, and from which the
OpenAPI document is generated (``openapi.py``).

They check the shape (types, required fields, lengths, closed lists, no unknown field); the
services check the rules (a NIR's key, a password's policy…) and answer with their own French
field messages, in the same ``{code, message, fields}`` shape.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

from marshmallow import INCLUDE, Schema, fields, post_load, validate

from shared.requests import identity as identity_requests
from shared.runtime import french_messages

french_messages.apply()


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(max=max_length, error=f"{max_length} caractères au plus."),
        **kwargs,
    )


def _optional_text(max_length: int, **kwargs: Any) -> fields.String:
    return _text(max_length, load_default=None, allow_none=True, **kwargs)


def _one_of(choices: list[str], error: str, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(choices, error=error), **kwargs)


def plain(value: Any) -> Any:
    """Loaded data as JSON for RPC: identifiers and addresses as text."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    return value


class ApiSchema(Schema):
    error_messages = french_messages.SCHEMA_MESSAGES

    @post_load
    def _plain(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {key: plain(value) for key, value in data.items()}


# -- requests --------------------------------------------------------------------------------
# identity's requests are identity's own schemas (shared/requests/identity.py): the API checks a
# body with what identity loads it with, then passes the body on as it came. Where the path
# carries the flow's id (or the header the session), the body is the rest of the request.

Login = identity_requests.LoginForm
Registration = identity_requests.RegistrationForm
StartPasswordReset = identity_requests.StartPasswordReset(exclude=("source",))
StartIdentifierRecovery = identity_requests.StartIdentifierRecovery(exclude=("source",))
RegistrationCode = identity_requests.SendRegistrationCode(exclude=("registration_id",))
Code = identity_requests.FlowCode(exclude=("flow_id",))
Channel = identity_requests.FlowChannel(exclude=("flow_id",))
NewPassword = identity_requests.NewPassword
ChangePassword = identity_requests.ChangePassword(exclude=("token",))
StartContactChange = identity_requests.StartContactChange(exclude=("token",))
ContactChangeCode = identity_requests.ConfirmContactChange(exclude=("token", "change_id"))


class PasswordCheck(ApiSchema):
    password = _text(128, required=True)


class DelegationAnswer(ApiSchema):
    answer = _one_of(["yes", "no", "skip"], "Oui, non ou passer.", required=True)


class DelegationChoice(ApiSchema):
    granted = fields.Boolean(required=True)


class Authorize(ApiSchema):
    action = _text(64, required=True, metadata={"example": "view_payments_and_rights"})
    target_account_id = fields.UUID(load_default=None, allow_none=True)
    benefit = _optional_text(32)
    channel = _optional_text(32)
    kind = _optional_text(32)


# -- answers ---------------------------------------------------------------------------------


class Reply(Schema):
    """An answer: the fields named are documented; services may add more (spec §14)."""

    class Meta:
        unknown = INCLUDE


class Error(Schema):
    code = fields.String(required=True, metadata={"example": "invalid_input"})
    message = fields.String(required=True, metadata={"example": "Certains champs sont invalides."})
    field_messages = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        data_key="fields",
        metadata={"description": "field -> French messages (nested objects for nested fields)"},
    )


class TokenAnswer(Reply):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"example": 300})


class OAuthError(Reply):
    error = fields.String(required=True, metadata={"example": "invalid_client"})
    error_description = fields.String()


class Rule(Reply):
    rule = fields.String()
    ok = fields.Boolean()
    label = fields.String()


class PasswordCheckAnswer(Reply):
    valid = fields.Boolean(required=True)
    rules = fields.List(fields.Nested(Rule), required=True)


class Session(Reply):
    token = fields.String()
    expires_at = fields.String()


class LoginAnswer(Reply):
    outcome = fields.String(
        required=True,
        metadata={
            "enum": [
                "ok",
                "invalid_credentials",
                "captcha_required",
                "frozen",
                "password_reset_required",
            ]
        },
    )
    attempts_left = fields.Integer(allow_none=True)
    captcha_required = fields.Boolean()
    frozen_until = fields.String(allow_none=True)
    retry_after_s = fields.Integer(allow_none=True)
    password_change_recommended = fields.Boolean(allow_none=True)
    message = fields.String(allow_none=True)
    session = fields.Nested(Session, allow_none=True)


class RefreshAnswer(Reply):
    outcome = fields.String(required=True, metadata={"example": "refreshed"})
    session = fields.Nested(Session, required=True)


class Answer(Reply):
    """An RPC answer passed on as it is (each method's fields: docs/api/*.md)."""

    outcome = fields.String(allow_none=True)
    message = fields.String(allow_none=True)


class CaptchaAnswer(Reply):
    captcha_id = fields.String(required=True)
    image_png_base64 = fields.String(required=True)


class AudioCaptchaAnswer(Reply):
    captcha_id = fields.String(required=True)
    audio_wav_base64 = fields.String(required=True)


class SessionAnswer(Reply):
    valid = fields.Boolean(required=True)
    account_id = fields.String(allow_none=True)
    identifier_kind = fields.String(allow_none=True)
    auth_method = fields.String(allow_none=True)
    expires_at = fields.String(allow_none=True)


class HistoryEntry(Reply):
    kind = fields.String(
        metadata={"description": "connection, agent_lookup or agent_action (issue #35)"}
    )
    at = fields.String()
    method = fields.String()
    outcome = fields.String()
    source = fields.Dict(allow_none=True)
    agency = fields.String(metadata={"description": "an agent's look-up or action: the agency"})
    reason = fields.String(metadata={"description": "the reason the agent gave, in French"})
    action = fields.String(metadata={"description": "agent_find_account, lift_freeze, …"})
    agent_name = fields.String(
        allow_none=True,
        metadata={"description": "null unless the agency shows its agents' names"},
    )


class History(Reply):
    connections = fields.List(fields.Nested(HistoryEntry), required=True)


class AuthorizeAnswer(Reply):
    allowed = fields.Boolean(required=True)
    reason = fields.String(allow_none=True)
