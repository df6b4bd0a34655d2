"""How the API's operations are declared: one table row (``Operation``) gives Flask its route and
the OpenAPI document its path, from the same schemas (nothing is written twice).

    declare(Operation("POST", "/session/logout", forward(identity.logout), SESSION,
                      "Se déconnecter", session="token", answer=schemas.Answer))

``forward(client method)`` is an operation that is one RPC: the typed client's parameters are
taken by name from the request (the API's fields are the contract's names); an operation that
does more is a function of the ``Call``.

Every operation but the token endpoint and the document itself authenticates its client
(OAuth 2 bearer token). Operations on a person's session read it from the ``X-Session-Token``
header (never from a URL, which access logs keep): ``session="token"`` hands it to a method of
identity that checks it itself; ``session="account"`` first asks identity ``verify_session`` (on
every call, spec §16) and hands the account id to the other services.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from marshmallow import Schema, ValidationError, fields

from connexion_client import InvalidInput
from gateway.api_clients import ApiClient
from gateway.clients import identity
from shared.runtime import french_messages

from .oauth import EXTENSION as OAUTH
from .problems import INVALID_INPUT
from .schemas import ApiSchema

#: A body's schema: a class, or an instance narrowed with ``exclude=`` (schemas.py).
Body = type[Schema] | Schema

SESSION_HEADER = "X-Session-Token"
#: The deepest nesting of arrays and objects a body may have (the schemas need 3).
MAX_JSON_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
SESSION_MISSING = "Votre session a expiré. Veuillez vous reconnecter."

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
_UUID = fields.UUID()


@dataclass
class Call:
    """What a handler receives: the validated body, path values, the client, the session."""

    body: dict[str, Any]
    path: dict[str, Any]
    client: ApiClient
    session_token: str | None = None
    account_id: str | None = None

    @property
    def account(self) -> str:
        """The account of the session identity has just verified (``session="account"``)."""
        assert self.account_id is not None, "declare the operation with session='account'"
        return self.account_id

    def values(self) -> dict[str, Any]:
        """The request's values by the RPC contract's parameter names: ``token`` (the session's),
        ``account_id`` (identity's verified account), then the path's and the body's."""
        session = {"token": self.session_token} if self.session_token is not None else {}
        account = {"account_id": self.account_id} if self.account_id is not None else {}
        return {**session, **account, **self.path, **self.body}


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Operation:
    """One row of the API: its address, what it runs, its schemas and its documentation."""

    method: str
    path: str  # OpenAPI form, e.g. /registrations/{registration_id}/code
    run: Handler  # its name is the operation's (operationId)
    tag: str
    summary: str
    body: Body | None = None
    answer: type[Schema] | None = None
    session: str | None = None  # "token": identity checks it; "account": verified first
    status: int = 200
    description: str = ""

    @property
    def name(self) -> str:
        return self.run.__name__


def forward(method: Callable[..., Any]) -> Handler:
    """An operation that is one RPC with the request's values: ``forward(identity.logout)``
    calls ``identity.logout(token=…)``, each parameter of the typed client's method taken by
    name from ``Call.values()`` (the API's fields are the contract's names)."""
    names = list(inspect.signature(method).parameters)

    def run(call: Call) -> Any:
        values = call.values()
        return method(**{name: values[name] for name in names if name in values})

    run.__name__ = method.__name__
    return run


OPERATIONS: list[Operation] = []


def declare(*operations: Operation) -> None:
    """Routes each operation under /api/v1 and lists it for the OpenAPI document."""
    for op in operations:
        OPERATIONS.append(op)
        blueprint.add_url_rule(_flask_rule(op.path), op.name, _view(op), methods=[op.method])


def _view(op: Operation) -> Callable[..., Any]:
    def view(**path_values: Any) -> Any:
        client = current_app.extensions[OAUTH].authenticate()
        # who calls, then for whom, then what: a missing session is 401 whatever the body
        held = _session_token() if op.session is not None else None
        call = Call(load_body(op.body), load_path(path_values), client, session_token=held)
        if op.session == "account":
            call.account_id = _live_account(call.session_token)
        response = jsonify(op.run(call))
        response.status_code = op.status
        response.headers["Cache-Control"] = "no-store"
        return response

    view.__name__ = op.name
    return view


def load_body(schema: Body | None) -> dict[str, Any]:
    """The JSON body checked with ``schema``; ``InvalidInput`` with French field messages.

    The API's own schemas (``ApiSchema``) load it; a service's request schema (identity's,
    shared/requests/) checks it, and the body goes on as it came, without its null fields (as
    the portal's forms send them): the service loads it with that same schema."""
    if schema is None:
        return {}
    data = _json_object()
    loader = schema_instance(schema) if isinstance(schema, type) else schema
    if isinstance(loader, ApiSchema):
        try:
            return dict(loader.load(data))
        except ValidationError as error:
            raise InvalidInput(fields=error.normalized_messages()) from None
    body = without_nulls(data)
    errors = loader.validate(body)
    if errors:
        raise InvalidInput(fields=french_messages.frenchify(errors))
    return dict(body)


@functools.cache
def schema_instance(schema: type[Schema]) -> Schema:
    """One instance per schema class, reused by every request: marshmallow's ``load`` and
    ``validate`` keep no state on the instance, and building one (its fields, their options)
    was 7 % of the gateway's py-spy samples in the bench's API logins."""
    return schema()


def without_nulls(value: Any) -> Any:
    """``{"parent_1": None, "birth_place": {"city": None, …}}`` -> without those fields."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    return value


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
    verified = identity.verify_session(token)
    if not verified.get("valid"):
        raise _session_over()
    return str(verified["account_id"])


def _flask_rule(path: str) -> str:
    """``/registrations/{registration_id}`` -> ``/registrations/<registration_id>``."""
    return path.replace("{", "<").replace("}", ">")
