"""Caf connect's back-channel logout sender (OpenID Connect Back-Channel Logout 1.0, issue #34):
``python -m gateway.oidc.backchannel``, a process of its own beside the gateway.

When a portal session ends, identity records a ``BackchannelLogout`` due to each application
that got tokens from it, in the same transaction, and its outbox publishes
``BackchannelLogoutDue``. This process consumes it (``shared/runtime/consumer.py``: durable
queue, retries with backoff through redelivery queues, dead letters after the last) and, for a
client whose record has a ``backchannel_logout_uri``:

1. asks identity what the logout says (``oidc_backchannel_logout``: ``sid``, the person's
   ``sub`` at that client) or whether it was delivered already (then nothing is sent: a message
   delivered again after a success never sends again);
2. signs a logout token with the provider's current key (the gateway's key set, ``kid``):
   ``typ`` ``logout+jwt``; ``iss``, ``aud`` (the client id), ``iat``, ``exp`` (2 minutes),
   ``jti`` (new for every attempt), ``sid``, ``sub``, ``events``; never a ``nonce``;
3. POSTs ``logout_token=<jwt>`` (``application/x-www-form-urlencoded``) to the client's URI,
   redirects not followed, within ``TIMEOUT_S``;
4. a 2xx: records the delivery (``oidc_logout_delivered``: ``BackchannelLogout.Delivered``,
   with the ``jti``); anything else raises, and the consumer tries again after its next delay
   (``BACKCHANNEL_RETRY_DELAYS_S``), until a 2xx or the dead-letter queue (an alert; replay
   with ``python -m shared.runtime.dead_letters replay
   gateway.oidc.backchannel:BackchannelLogoutSender``).

It needs the signing key and the client registry, which are the gateway's settings
(``GATEWAY_OIDC_SIGNING_KEYS``, ``GATEWAY_API_CLIENTS``, ``GATEWAY_PUBLIC_URL``: the issuer),
its own broker user (``backchannel``: it consumes ``BackchannelLogoutDue`` and calls the two
methods above) and egress to the clients' addresses (``shared/network_paths.py``).

Counted in ``caf_oidc_backchannel_logouts_total{outcome}``: ``delivered``, ``failed`` (one
attempt; it is tried again), ``already_delivered``, ``not_registered`` (the client has no
``backchannel_logout_uri`` now, or is gone from the registry).
"""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

import dataclasses
import logging
import os
import secrets
import sys
import time
from typing import Any

import requests
from nameko.extensions import DependencyProvider
from prometheus_client import Counter

from shared.events import Envelope
from shared.runtime import broker_tls
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import CorrelationContext
from shared.runtime.logging_setup import configure_logging
from shared.runtime.metrics import REGISTRY
from shared.runtime.observability import Observability
from shared.runtime.rpc import ConsumerRpcProxy
from shared.runtime.settings import SettingsError
from shared.runtime.until_signalled import run_until_signalled

from ..api_clients import Client
from ..settings import GatewaySettings
from .keys import SigningKeys

log = logging.getLogger(__name__)

#: the one event type of the specification
EVENT = "http://schemas.openid.net/event/backchannel-logout"
TOKEN_TYPE = "logout+jwt"  # noqa: S105 - the specification's typ
#: a logout token is used at once: 2 minutes covers clocks a little apart
TOKEN_TTL_S = 120
#: how long a client may take to answer one attempt
TIMEOUT_S = 5.0
#: the consumer's delays between attempts (s): a client down for a day still gets its logout
DEFAULT_RETRY_DELAYS_S = "5,30,120,600,1800,3600,3600,3600,7200,7200,14400,14400,28800"

LOGOUTS = Counter(
    "caf_oidc_backchannel_logouts_total",
    "Caf connect's back-channel logout tokens, by outcome: delivered (a 2xx), failed (one"
    " attempt, tried again), already_delivered, not_registered (no backchannel_logout_uri)",
    ["outcome"],
    registry=REGISTRY,
)


class DeliveryFailed(Exception):
    """The client did not answer 2xx: the consumer tries again after its next delay."""


@dataclasses.dataclass(frozen=True, repr=False)  # keep ServiceSettings.__repr__: it hides secrets
class BackchannelSettings(GatewaySettings):
    """The gateway's settings (``GATEWAY_*``), read by the sender: the registry, the key set and
    the issuer; it serves no page, so it needs no ``GATEWAY_SECRET_KEY``."""

    def all_secret_fields(self) -> list[str]:
        return []  # no cookie key; the key set is checked by signing_keys()


def logout_claims(
    issuer: str, client_id: str, sid: str, sub: str, now: float, jti: str
) -> dict[str, Any]:
    """The claims of a logout token (Back-Channel Logout 1.0 §2.4): no ``nonce``, ever."""
    issued = int(now)
    return {
        "iss": issuer,
        "aud": client_id,
        "iat": issued,
        "exp": issued + TOKEN_TTL_S,
        "jti": jti,
        "sid": sid,
        "sub": sub,
        "events": {EVENT: {}},
    }


@dataclasses.dataclass
class Sender:
    """Signs and posts one logout token; what the consumer calls for each message."""

    keys: SigningKeys
    clients: dict[str, Client]
    issuer: str

    def deliver(self, payload: dict[str, Any], identity: Any) -> str:
        """The outcome (``delivered``, ``already_delivered``, ``not_registered``); raises
        :class:`DeliveryFailed` when the client did not answer 2xx (counted ``failed``)."""
        client = self.clients.get(str(payload["client_id"]))
        if client is None or not client.backchannel_logout_uri:
            return self._counted("not_registered")
        logout_id = str(payload["logout_id"])
        due = identity.oidc_backchannel_logout(logout_id)
        if due["outcome"] != "due":
            return self._counted("already_delivered")
        jti = secrets.token_urlsafe(24)
        claims = logout_claims(self.issuer, client.client_id, due["sid"], due["sub"],
                               time.time(), jti)  # fmt: skip
        token = self.keys.sign(claims, typ=TOKEN_TYPE)
        try:
            answer = requests.post(
                client.backchannel_logout_uri,
                data={"logout_token": token},
                timeout=TIMEOUT_S,
                allow_redirects=False,
                headers={"Cache-Control": "no-store"},
            )
            failure = None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
        except requests.RequestException as error:
            failure = type(error).__name__
        if failure is not None:
            LOGOUTS.labels(outcome="failed").inc()
            log.warning("back-channel logout %s to %s: %s", logout_id, client.client_id, failure)
            raise DeliveryFailed(failure)
        identity.oidc_logout_delivered(logout_id, jti)
        log.info("back-channel logout %s delivered to %s", logout_id, client.client_id)
        return self._counted("delivered")

    @staticmethod
    def _counted(outcome: str) -> str:
        LOGOUTS.labels(outcome=outcome).inc()
        return outcome


class SenderDependency(DependencyProvider):
    """The :class:`Sender`, built once from the container's configuration (the environment)."""

    def setup(self) -> None:
        settings = BackchannelSettings.from_mapping(self.container.config, "gateway")
        self.sender = Sender(
            keys=SigningKeys.from_setting(settings.signing_keys()),
            clients={client.client_id: client for client in settings.api_clients},
            issuer=settings.public_url.rstrip("/"),
        )

    def get_dependency(self, worker_ctx: Any) -> Sender:
        return self.sender


class BackchannelLogoutSender:
    """The nameko service of this process: one consumer, no RPC of its own."""

    name = "backchannel"
    correlation = CorrelationContext()
    identity = ConsumerRpcProxy("identity")
    sender: Sender = SenderDependency()
    observability = Observability()

    @integration_event_handler("identity", "BackchannelLogoutDue")
    def on_backchannel_logout_due(self, envelope: Envelope) -> None:
        self.sender.deliver(envelope.payload, self.identity)


def config_from(environ: dict[str, str]) -> dict[str, Any]:
    """The nameko configuration of this process: the environment, its retry delays
    (``BACKCHANNEL_RETRY_DELAYS_S``) and health and metrics on ``BACKCHANNEL_HTTP_PORT``."""
    config: dict[str, Any] = dict(environ)
    config["CONSUMER_RETRY_DELAYS_S"] = environ.get(
        "BACKCHANNEL_RETRY_DELAYS_S", DEFAULT_RETRY_DELAYS_S
    )
    return config


def main() -> None:
    shared.runtime.bootstrap.check()
    config = config_from(dict(os.environ))
    try:
        settings = BackchannelSettings.from_mapping(config, "gateway")
        settings.signing_keys()
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    configure_logging(settings.log_level)
    config.setdefault("AMQP_URI", settings.amqp_uri)
    broker_tls.configure(config, settings.amqp_uri, settings.amqp_ca_file)
    run_until_signalled(config, [BackchannelLogoutSender], "back-channel logout sender running")


if __name__ == "__main__":
    main()
