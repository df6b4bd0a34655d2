"""FranceConnect's configuration, taken from the identity settings once at start-up.

>>> FranceConnectConfig.from_settings(settings).enabled          # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

DISCOVERY_PATH = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class FranceConnectConfig:
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)  # never printed, never logged
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uri: str
    scope: str
    acr_values: str
    state_lifetime: timedelta
    link_lifetime: timedelta
    discovery_ttl: timedelta
    http_timeout_s: float
    leeway_s: int
    #: FranceConnect v2 signs with ES256 (recommended) or RS256; nothing else is accepted.
    algorithms: tuple[str, ...] = ("ES256", "RS256")

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + DISCOVERY_PATH

    @property
    def default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    @classmethod
    def from_settings(cls, settings: Any) -> FranceConnectConfig:
        return cls(
            issuer=settings.franceconnect_issuer,
            client_id=settings.franceconnect_client_id,
            client_secret=settings.franceconnect_client_secret or "",
            redirect_uris=tuple(settings.franceconnect_redirect_uris),
            post_logout_redirect_uri=settings.franceconnect_post_logout_redirect_uri,
            scope=settings.franceconnect_scope,
            acr_values=settings.franceconnect_acr_values,
            state_lifetime=timedelta(seconds=settings.franceconnect_state_lifetime_s),
            link_lifetime=timedelta(seconds=settings.franceconnect_link_lifetime_s),
            discovery_ttl=timedelta(seconds=settings.franceconnect_discovery_ttl_s),
            http_timeout_s=settings.franceconnect_http_timeout_s,
            leeway_s=settings.franceconnect_clock_leeway_s,
        )
