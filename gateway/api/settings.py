"""The API's settings, part of the gateway's (``GatewaySettings`` extends ``ApiSettings``).

``API_CLIENTS`` is the configured client list (see ``clients.py``); tokens live
``API_TOKEN_TTL_S`` seconds, 5 minutes by default and never more than 15.

>>> ApiSettings.from_mapping({"API_TOKEN_TTL_S": "120"}, "gateway").api_token_ttl_s
120
"""

from __future__ import annotations

import dataclasses

from shared.runtime.settings import ServiceSettings, setting

from .clients import ApiClient, parse_api_clients


def parse_token_ttl(raw: str) -> int:
    seconds = int(raw)
    if not 30 <= seconds <= 900:
        raise ValueError("expected 30 to 900 seconds: access tokens are short-lived")
    return seconds


@dataclasses.dataclass(frozen=True, repr=False)  # keep ServiceSettings.__repr__: it hides secrets
class ApiSettings(ServiceSettings):
    api_clients: tuple[ApiClient, ...] = setting(
        "API_CLIENTS",
        (),  # no client: every API call is refused (401)
        parse=parse_api_clients,
        doc='API clients, JSON: {"appli-mobile": {"secret_sha256": "…", "trusted_source": true}}'
        " (make one with python -m gateway.api.clients NAME)",
    )
    api_token_ttl_s: int = setting(
        "API_TOKEN_TTL_S", 300, parse=parse_token_ttl, doc="lifetime of API access tokens (s)"
    )
