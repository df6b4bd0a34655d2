"""The RPC edge of the FranceConnect methods (marshmallow, French messages).

What comes back from FranceConnect passes through the browser: it is bounded here, and a state
or code that is merely wrong is an outcome of the callback, not bad input.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.requests.identity import REQUIRED, SourceSchema

_TOKEN = validate.Regexp(r"^[A-Za-z0-9_\-]{32,128}$", error="Jeton invalide.")


class FranceConnectStart(Schema):
    redirect_uri = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=2048)
    )


class FranceConnectCallback(Schema):
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2048))
    state = fields.String(
        required=True, validate=validate.Length(min=1, max=512, error="Paramètre state invalide.")
    )
    error = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[A-Za-z0-9_\-.]{1,64}$", error="Code d'erreur invalide."),
    )
    iss = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2048))
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)

    @validates_schema
    def _code_or_error(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("code") and not data.get("error"):
            raise ValidationError({"code": [REQUIRED]})


class LinkToken(Schema):
    franceconnect_link = fields.String(load_default=None, allow_none=True, validate=_TOKEN)
