"""AMQP over TLS: the options every connection to the broker takes when ``AMQP_URI`` is
``amqps://``.

kombu reads no TLS option from an ``amqp``/``amqps`` URI (its ``ssl_*`` query parameters are
for Redis), so the options travel beside the URI: nameko reads them from its config key
``AMQP_SSL`` (``nameko.constants.AMQP_SSL_CONFIG_KEY``) and passes them to
``kombu.Connection(ssl=...)``, which hands them to py-amqp's ``SSLTransport``; our own
connections (relay, consumers' retry queues, health, start-up checks) take the same dict.

The broker's certificate is always verified: against ``AMQP_CA_FILE`` (the RabbitMQ operator's
TLS secret's ``ca.crt`` on the cluster) or, unset, the system's CAs; and the host name of the
URI must be in the certificate (``server_hostname``: Python's ``check_hostname``).

>>> ssl_options("amqps://u:p@rabbitmq:5671/", "/etc/caf/tls/rabbitmq/ca.crt")["server_hostname"]
'rabbitmq'
>>> ssl_options("amqp://u:p@127.0.0.1:5672/", None) is None
True
"""

from __future__ import annotations

import ssl
from collections.abc import MutableMapping
from typing import Any

from kombu.utils.url import url_to_parts

#: nameko's config key for kombu's ``ssl`` argument
CONFIG_KEY = "AMQP_SSL"


def ssl_options(amqp_uri: str, ca_file: str | None) -> dict[str, Any] | None:
    """kombu's ``ssl`` argument for ``amqp_uri``: None for plain ``amqp://``."""
    parts = url_to_parts(amqp_uri)
    if parts.scheme != "amqps":
        return None
    options: dict[str, Any] = {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": parts.hostname,
        "tls_minimum_version": ssl.TLSVersion.TLSv1_2,
    }
    if ca_file:
        options["ca_certs"] = ca_file
    return options


def configure(config: MutableMapping[str, Any], amqp_uri: str, ca_file: str | None) -> None:
    """Sets ``AMQP_SSL`` in a nameko config when ``amqp_uri`` is ``amqps://``."""
    options = ssl_options(amqp_uri, ca_file)
    if options is not None:
        config[CONFIG_KEY] = options


def from_config(config: MutableMapping[str, Any] | dict[str, Any]) -> dict[str, Any] | None:
    """The options a nameko config carries (set by :func:`configure`), else derived from its
    ``AMQP_URI`` and ``AMQP_CA_FILE``."""
    if config.get(CONFIG_KEY):
        return dict(config[CONFIG_KEY])
    return ssl_options(str(config.get("AMQP_URI", "")), config.get("AMQP_CA_FILE"))
