"""notification's RPC methods as a gateway may call them (docs/api/notification.md; the
contract: services/notification/notification/service.py)."""

from __future__ import annotations

from typing import Any

from .base import ServiceClient


class NotificationClient(ServiceClient):
    service = "notification"

    def deliveries(self, account_id: str) -> list[dict[str, Any]]:
        """What was sent to the account, and by which channel (newest first)."""
        return self._rpc("deliveries", account_id)
