"""The OpenAPI 3.1 document of ``/api/v1/``, generated from the operations' own schemas
(``operations.OPERATIONS``) with apispec's MarshmallowPlugin. Served at
``/api/v1/openapi.json`` and committed as ``docs/openapi.json`` (``make openapi`` rewrites it; a
test fails when the two differ).

>>> document()["openapi"]
'3.1.0'
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.requests import identity as identity_requests

from . import account, journeys, schemas  # noqa: F401 - importing declares the operations
from .operations import OPERATIONS, SESSION_HEADER, Operation

PREFIX = "/api/v1"
TOKEN_PATH = f"{PREFIX}/oauth/token"
COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"

DESCRIPTION = (
    "Les parcours citoyens de Connexion à la personne en JSON, pour l'application mobile et "
    "les passerelles qui ne parlent pas AMQP. Chaque appel porte un jeton d'accès OAuth 2 "
    "(client credentials, `POST /api/v1/oauth/token`). Toute erreur a la forme "
    "`{code, message, fields}` avec les messages français des services. See docs/http-api.md."
)

ERRORS = {
    400: "Invalid input (body or path): nothing stored; `fields` holds French messages per field",
    401: "Client not authenticated, or the person's session is over (`session_invalid`)",
    404: "No such address",
    413: "A body above 64 KiB",
    429: "Too many requests from this client (or, without a token, this address): try again"
    " after Retry-After",
    500: "A fault in a service (a bug), or a call the broker refused to the gateway's user (its"
    " configuration): logged with the request id; trying again will not help",
    503: "A service did not answer in time or cannot be reached: try again after Retry-After",
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}


#: How the operations chain (OpenAPI links): the ids a journey's first step answers are the next
#: steps' path ids, a login's token is the session header of Mon Compte's operations, an access
#: token is the bearer of every operation. Used by clients' generators and by the stateful fuzzing
#: of gateway/tests/api/test_api_fuzzing.py.
_IDS = {
    "start_registration": ("registration_id", ("send_registration_code",
                           "verify_registration_code", "complete_registration")),
    "start_password_reset": ("reset_id", ("send_password_reset_code",
                             "verify_password_reset_code", "complete_password_reset")),
    "start_identifier_recovery": ("recovery_id", ("send_identifier_recovery_code",
                                  "complete_identifier_recovery")),
}  # fmt: skip
_SESSION_SOURCES = {"login": "session/token", "refresh_session": "session/token"}
_JOURNEY_STARTS = (
    "check_password", "new_captcha", "login", "start_registration", "start_password_reset",
    "start_identifier_recovery",
)  # fmt: skip


def _links(op: Operation) -> dict[str, Any]:
    links: dict[str, Any] = {}
    if op.name in _IDS:
        name, targets = _IDS[op.name]
        for target in targets:
            links[target] = {
                "operationId": target,
                "parameters": {f"path.{name}": f"$response.body#/{name}"},
            }
    if op.name in _SESSION_SOURCES:
        pointer = _SESSION_SOURCES[op.name]
        for consumer in OPERATIONS:
            if consumer.session is not None:
                links[consumer.name] = {
                    "operationId": consumer.name,
                    "parameters": {f"header.{SESSION_HEADER}": f"$response.body#/{pointer}"},
                }
    return links


def _token_links() -> dict[str, Any]:
    return {
        name: {
            "operationId": name,
            "parameters": {"header.Authorization": "Bearer {$response.body#/access_token}"},
        }
        for name in _JOURNEY_STARTS
    }


def _error(code: int) -> dict[str, Any]:
    error = {"description": ERRORS[code], "content": {"application/json": {"schema": "Error"}}}
    return {**error, "headers": RETRY_AFTER} if code in (429, 503) else error


def _operation(op: Operation) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "format": "uuid"}}
        for name in _path_names(op.path)
    ]  # fmt: skip
    if op.session is not None:
        parameters.append({
            "name": SESSION_HEADER, "in": "header", "required": True,
            "description": "the person's session token, from a successful login",
            "schema": {"type": "string", "minLength": 1, "maxLength": 4096},
        })  # fmt: skip
    answer: dict[str, Any] = {"description": op.summary}
    if op.answer is not None:
        answer["content"] = {"application/json": {"schema": op.answer}}
    if _links(op):
        answer["links"] = _links(op)
    statuses = [400, 401, 429, 500, 503] + ([413] if op.body else [])
    spec: dict[str, Any] = {
        "operationId": op.name,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "security": [{"client_credentials": []}],
        "parameters": parameters,
        "responses": {
            str(op.status): answer,
            **{str(code): _error(code) for code in sorted(statuses)},
        },
    }
    if op.body is not None:
        spec["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": op.body}}
        }  # fmt: skip
    return spec


def _token_operation() -> dict[str, Any]:
    oauth_error = {"application/json": {"schema": "OAuthError"}}
    return {
        "operationId": "token",
        "summary": "Jeton d'accès (OAuth 2, client credentials)",
        "description": "RFC 6749 §4.4: client id and secret in HTTP Basic (or in the form); "
        "errors in RFC 6749's own shape.",
        "tags": ["OAuth 2"],
        "security": [{"client_secret": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                        },
                        "required": ["grant_type"],
                    }
                }
            },
        },
        "responses": {
            "200": {
                "description": "an access token, valid `expires_in` seconds",
                "content": {"application/json": {"schema": "TokenAnswer"}},
                "links": _token_links(),
            },
            "400": {"description": "a malformed request", "content": oauth_error},
            "401": {"description": "unknown client or wrong secret", "content": oauth_error},
            "429": _error(429),
        },
    }


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


#: The components' names the API has always published, for identity's request schemas.
COMPONENT_NAMES = {
    "LoginForm": "Login",
    "RegistrationForm": "Registration",
    "SendRegistrationCode": "RegistrationCode",
    "FlowCode": "Code",
    "FlowChannel": "Channel",
}


def component_name(schema: Any) -> str:
    """``LoginForm`` -> ``Login``; otherwise apispec's rule (``CaptchaSchema`` -> ``Captcha``)."""
    name = (schema if isinstance(schema, type) else type(schema)).__name__
    return COMPONENT_NAMES.get(name, name.removesuffix("Schema"))


def document() -> dict[str, Any]:
    """The whole document, the same on every call (no setting enters it)."""
    plugin = MarshmallowPlugin(schema_name_resolver=component_name)
    spec = APISpec(
        title="Connexion à la personne — API HTTP",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": DESCRIPTION},
    )
    for text_field in (identity_requests.IdentifierField, identity_requests.FrenchDate):
        plugin.map_to_openapi_type(text_field, "string", None)  # identity's typed texts
    spec.components.security_scheme(
        "client_credentials",
        {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": {}}}},
    )
    spec.components.security_scheme("client_secret", {"type": "http", "scheme": "basic"})
    for name in ("Error", "TokenAnswer", "OAuthError"):
        spec.components.schema(name, schema=getattr(schemas, name))
    spec.path(path=TOKEN_PATH, operations={"post": _token_operation()})
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(PREFIX + op.path, {})[op.method.lower()] = _operation(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def rendered() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """``python -m gateway.api.openapi [PATH]``: writes the document (docs/openapi.json)."""
    target = Path(argv[0]) if argv else COMMITTED
    target.write_text(rendered(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
