"""The FranceConnect journeys (spec §9), assembled: the trip (start, callback, sign in), the
link by one password login, the logout. Outcomes and rules: ``docs/franceconnect.md``.
"""

from __future__ import annotations

from .linking import PendingLinkCommands
from .logout import FranceConnectLogout
from .trip import FranceConnectTrip


class FranceConnectCommands(FranceConnectTrip, PendingLinkCommands, FranceConnectLogout):
    """Mixed into :class:`identity.application.IdentityApplication`."""
