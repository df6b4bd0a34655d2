"""The errors a caller of the services can meet, restored from nameko's error payload.

nameko sends a remote exception as ``{"exc_type", "exc_path", "exc_args", "value"}`` and turns
it back into an instance only for classes registered in the caller's process; everyone else gets
``RemoteError`` with the text alone. We read the payload ourselves instead, so the French field
messages of ``InvalidInput`` come back without importing the services' code.

>>> try:
...     client.identity.start_registration(form={})        # doctest: +SKIP
... except InvalidInput as error:
...     error.fields["birth_date"]                         # ["Champ obligatoire."]
"""

from __future__ import annotations

from typing import Any

DEFAULT_MESSAGE = "Certains champs sont invalides."


class ConnexionError(Exception):
    """Base of every error this client raises."""


class InvalidInput(ConnexionError):
    """The service refused the input and stored nothing: ``code`` (stable), ``message``
    (French), ``fields`` (field -> French messages, ready to show next to the field)."""

    def __init__(
        self,
        code: str = "invalid_input",
        message: str = DEFAULT_MESSAGE,
        fields: dict[str, Any] | None = None,
    ):
        self.code = code
        self.message = message
        self.fields: dict[str, Any] = dict(fields or {})
        super().__init__(f"{code}: {message} {sorted(self.fields)}")

    def as_dict(self) -> dict[str, Any]:
        """``{"code", "message", "fields"}``: the shape the HTTP API answers with."""
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ServiceTimeout(ConnexionError):
    """The service did not answer within the client's timeout (it may still act)."""


class ServiceUnavailable(ConnexionError):
    """The broker cannot be reached, or no instance of the service is listening."""


class CallRefused(ConnexionError):
    """The broker refused this caller's RabbitMQ user: the method is not among those its caller
    may call (``identity.update_contacts`` for the portal), its reply queue is not named for it
    (``caller`` differs from the user), or the login failed. A configuration or programming
    error, never the person's: retrying does not help. Nothing reached the service."""


class RemoteFault(ConnexionError):
    """Any other remote exception (a bug, an unknown method, a wrong signature): ``exc_type``
    names it; ``value`` is its text. Never shown to a person."""

    def __init__(self, exc_type: str, value: str):
        self.exc_type = exc_type
        self.value = value
        super().__init__(f"{exc_type}: {value}")


def from_remote(error: dict[str, Any]) -> ConnexionError:
    """The exception for nameko's serialised ``error`` of an RPC reply."""
    exc_type = str(error.get("exc_type") or "")
    args = error.get("exc_args") or []
    if exc_type == "InvalidInput" and args and isinstance(args[0], dict):
        detail = args[0]
        fields = detail.get("fields")
        return InvalidInput(
            code=str(detail.get("code") or "invalid_input"),
            message=str(detail.get("message") or DEFAULT_MESSAGE),
            fields=fields if isinstance(fields, dict) else {},
        )
    return RemoteFault(exc_type, str(error.get("value") or ""))
