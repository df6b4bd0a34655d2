"""A small RPC client for gateways of "Connexion à la personne" written in Python.

It depends on nameko, kombu and eventlet only (never on the services' code) and keeps what a
plain ``ClusterRpcProxy`` loses: the French field messages of ``InvalidInput``. Timeouts and
correlation ids are on by default. See docs/api.md.

>>> from connexion_client import ConnexionClient, InvalidInput           # doctest: +SKIP
>>> client = ConnexionClient("amqp://portal:…@rabbitmq:5672/", caller="portal")  # doctest: +SKIP
>>> client.call("lockout", "new_captcha")["captcha_id"]                  # doctest: +SKIP
"""

from .client import ConnexionClient, ServiceProxy, new_correlation_id
from .errors import (
    CallRefused,
    ConnexionError,
    InvalidInput,
    RemoteFault,
    ServiceTimeout,
    ServiceUnavailable,
    from_remote,
)

__all__ = [
    "CallRefused",
    "ConnexionClient",
    "ConnexionError",
    "InvalidInput",
    "RemoteFault",
    "ServiceProxy",
    "ServiceTimeout",
    "ServiceUnavailable",
    "from_remote",
    "new_correlation_id",
]
