"""One typed client per service, named and typed as the RPC contract (SPEC.md, "RPC"): the
portal's pages and the HTTP API call the services only through them, never by string names.

    from gateway.clients import identity
    answer = identity.login("1 63 06 31 555 082", "Bonjour2024Caf", source=client_source())

Each call goes through ``gateway.rpc.call`` (the application's ConnexionClient, the request's
correlation id); ``gateway/tests/unit/test_service_clients.py`` checks every method against the
service's ``@rpc`` signature, so that a contract change breaks the build, not a page.
"""

from __future__ import annotations

from gateway import rpc

from .delegation import DelegationClient
from .identity import IdentityClient
from .lockout import LockoutClient
from .notification import NotificationClient

identity = IdentityClient(rpc.call)
lockout = LockoutClient(rpc.call)
delegation = DelegationClient(rpc.call)
notification = NotificationClient(rpc.call)

__all__ = [
    "DelegationClient",
    "IdentityClient",
    "LockoutClient",
    "NotificationClient",
    "delegation",
    "identity",
    "lockout",
    "notification",
]
