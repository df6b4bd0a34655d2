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


# -- the tokens' life (issue #34, refresh.py) ----------------------------------------------------

REFRESH_TOKEN = validate.Regexp(r"^[0-9a-f]{32}\.[A-Za-z0-9_-]{20,100}$", error="Jeton invalide.")
FAMILY = validate.Regexp(r"^[0-9a-f-]{36}$", error="Famille de jetons invalide.")


class StartFamily(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 128))
    client_id = fields.String(required=True, validate=CLIENT_ID)
    refresh_ttl_s = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(60, 400 * 86400)
    )


class Refresh(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(1, 200))
    client_id = fields.String(required=True, validate=CLIENT_ID)


class TokenRef(Schema):
    """An access token's family (its ``fid``) or a refresh token: exactly one of them."""

    family = fields.String(load_default=None, allow_none=True, validate=FAMILY)
    refresh_token = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(1, 200)
    )
    client_id = fields.String(load_default=None, allow_none=True, validate=CLIENT_ID)


# -- back-channel logout (issue #34, backchannel.py) ----------------------------------------------


class LogoutRef(Schema):
    logout_id = fields.UUID(required=True)


class LogoutDelivered(Schema):
    logout_id = fields.UUID(required=True)
    jti = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9_-]{16,64}$", error="jti invalide."))  # fmt: skip
