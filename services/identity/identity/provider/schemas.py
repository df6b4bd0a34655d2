"""The RPC edge of the provider's methods (the gateway checked the client before it asks)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

CLIENT_ID = validate.Regexp(r"^[a-z0-9][a-z0-9._-]{1,63}$", error="Identifiant de client invalide.")
SCOPE = validate.Regexp(r"^[a-z][a-z0-9_.:-]{0,31}$", error="Portée invalide.")
CODE_CHALLENGE = validate.Regexp(r"^[A-Za-z0-9._~-]{43,128}$", error="code_challenge invalide.")


class AuthorizeRequest(Schema):
    client_id = fields.String(required=True, validate=CLIENT_ID)
    sector = fields.String(required=True, validate=validate.Length(1, 255))
    first_party = fields.Boolean(load_default=False)
    redirect_uri = fields.String(required=True, validate=validate.Length(1, 512))
    scopes = fields.List(
        fields.String(validate=SCOPE), required=True, validate=validate.Length(1, 16)
    )
    nonce = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 255))
    code_challenge = fields.String(required=True, validate=CODE_CHALLENGE)
    max_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0))
    acr_values = fields.List(
        fields.String(validate=validate.Length(1, 128)), load_default=list,
        validate=validate.Length(0, 8),
    )  # fmt: skip
    prompt_consent = fields.Boolean(load_default=False)
    consent_given = fields.Boolean(load_default=False)


class Redeem(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 128))
    client_id = fields.String(required=True, validate=CLIENT_ID)


class Assertion(Schema):
    client_id = fields.String(required=True, validate=CLIENT_ID)
    jti = fields.String(required=True, validate=validate.Length(1, 255))
    expires_at = fields.AwareDateTime(required=True)


class Userinfo(Schema):
    client_id = fields.String(required=True, validate=CLIENT_ID)
    subject = fields.String(required=True, validate=validate.Length(1, 128))
    scopes = fields.List(
        fields.String(validate=SCOPE), required=True, validate=validate.Length(0, 16)
    )
