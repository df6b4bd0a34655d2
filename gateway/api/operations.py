"""How an API operation is declared: one decorator gives Flask its route and the OpenAPI
document its path, from the same schemas (nothing is written twice).

    @operation("POST", "/login", body=schemas.Login, answer=schemas.LoginAnswer,
               summary="Se connecter")
    def login(call: Call) -> Any:
        return call.rpc("identity", "login", **call.body)

Every operation but the token endpoint and the document itself authenticates its client
(OAuth 2 bearer token). Operations on a person's session read it from the ``X-Session-Token``
header (never from a URL, which access logs keep): ``session="token"`` hands it to a method of
identity that checks it itself; ``session="account"`` first asks identity ``verify_session`` (on
every call, spec §16) and hands the account id to the other services.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from marshmallow import Schema, ValidationError, fields

from connexion_client import InvalidInput
from gateway import rpc
from gateway.api_clients import ApiClient

from .oauth import EXTENSION as OAUTH
from .problems import INVALID_INPUT

SESSION_HEADER = "X-Session-Token"
#: The deepest nesting of arrays and objects a body may have (the schemas need 3).
MAX_JSON_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
SESSION_MISSING = "Votre session a expiré. Veuillez vous reconnecter."

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
_UUID = fields.UUID()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI form, e.g. /registrations/{registration_id}/code
    summary: str
    body: type[Schema] | None
    answer: type[Schema] | None
    session: str | None
    status: int
    tag: str
    name: str
    description: str = ""


@dataclass
class Call:
    """What a handler receives: the validated body, path values, the client, the session."""

    body: dict[str, Any]
    path: dict[str, Any]
    client: ApiClient
    session_token: str | None = None
    account_id: str | None = None

    def rpc(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return rpc.call(service, method, *args, **kwargs)


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    body: type[Schema] | None = None,
    answer: type[Schema] | None = None,
    session: str | None = None,
    status: int = 200,
) -> Callable[[Callable[[Call], Any]], Callable[..., Any]]:
    def register(handler: Callable[[Call], Any]) -> Callable[..., Any]:
        OPERATIONS.append(
            Operation(method, path, summary, body, answer, session, status, tag,
                      handler.__name__, (handler.__doc__ or "").strip())
        )  # fmt: skip

        def view(**path_values: Any) -> Any:
            client = current_app.extensions[OAUTH].authenticate()
            # who calls, then for whom, then what: a missing session is 401 whatever the body
            held = _session_token() if session is not None else None
            call = Call(load_body(body), load_path(path_values), client, session_token=held)
            if session == "account":
                call.account_id = _live_account(call.session_token)
            response = jsonify(handler(call))
            response.status_code = status
            response.headers["Cache-Control"] = "no-store"
            return response

        view.__name__ = handler.__name__
        blueprint.add_url_rule(_flask_rule(path), handler.__name__, view, methods=[method])
        return handler

    return register


def load_body(schema: type[Schema] | None) -> dict[str, Any]:
    """The JSON body loaded with ``schema``; ``InvalidInput`` with French field messages."""
    if schema is None:
        return {}
    data = _json_object()
    try:
        return dict(schema().load(data))
    except ValidationError as error:
        raise InvalidInput(fields=error.normalized_messages()) from None


def _json_object() -> dict[str, Any]:
    """The body as a JSON object, read only when it is UTF-8, not too deep, and JSON."""
    raw = request.get_data(cache=True)  # above MAX_CONTENT_LENGTH: 413 before this line
    problem = None
    if not request.is_json:
        problem = "Objet JSON attendu (Content-Type: application/json)."
    elif not _utf8(raw):
        problem = "Le corps de la requête doit être encodé en UTF-8."
    elif _depth(raw) > MAX_JSON_DEPTH:
        problem = f"JSON trop imbriqué ({MAX_JSON_DEPTH} niveaux au plus)."
    data = None if problem else request.get_json(silent=True)
    if problem is None and not isinstance(data, dict):
        problem = "Objet JSON attendu (Content-Type: application/json)."
    if problem is not None:
        raise InvalidInput(
            code="invalid_input", message=INVALID_INPUT, fields={"_schema": [problem]}
        )
    return dict(data)  # type: ignore[arg-type]


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in ``raw`` (strings skipped), without parsing it: the
    standard parser recurses, and a body of 64 KiB of ``[`` would exhaust the stack."""
    deepest = depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_path(values: dict[str, str]) -> dict[str, str]:
    """The ids of the path, each a UUID (a field error in French otherwise)."""
    errors = {}
    for name, value in values.items():
        try:
            _UUID.deserialize(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise InvalidInput(fields=errors)
    return {name: value.lower() for name, value in values.items()}


def _session_over() -> InvalidInput:
    return InvalidInput(
        code="session_invalid", message=SESSION_MISSING, fields={"token": [SESSION_MISSING]}
    )


def _session_token() -> str:
    token = request.headers.get(SESSION_HEADER, "").strip()
    if not token or len(token) > 4096:
        raise _session_over()
    return token


def _live_account(token: str | None) -> str:
    """identity's ``verify_session`` on every call (spec §16): a logout is honoured at once."""
    verified = rpc.call("identity", "verify_session", token)
    if not verified.get("valid"):
        raise _session_over()
    return str(verified["account_id"])


def _flask_rule(path: str) -> str:
    """``/registrations/{registration_id}`` -> ``/registrations/<registration_id>``."""
    return path.replace("{", "<").replace("}", ">")
