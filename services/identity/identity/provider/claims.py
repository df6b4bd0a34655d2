"""The claims identity vouches for: the subject of a person for a client, ``acr`` and ``amr``.

``sub`` is never the NIR nor the account's id: it is a keyed HMAC of the account's id and the
client's *sector* (``first-party`` for every first-party client of the agency, the client's own
id, or its configured sector, for every other), so two clients that are not first party cannot
join their users, and nobody without identity's key can compute it.

>>> Subjects(b"k" * 32).of(uuid.UUID(int=1), "appli-partenaire")        # doctest: +ELLIPSIS
'...'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

#: The sector of every first-party client: they share one subject per person.
FIRST_PARTY_SECTOR = "first-party"

#: ``acr`` values (docs/oidc-provider.md): how the person logged in to the portal session.
ACR = {
    "password": "urn:caf:connect:acr:mot-de-passe",
    "franceconnect": "urn:caf:connect:acr:franceconnect",
}
#: ``amr`` values (RFC 8176 ``pwd``; ``fc`` for a login through FranceConnect).
AMR = {"password": ["pwd"], "franceconnect": ["fc"]}


class Subjects:
    def __init__(self, key: bytes):
        self._key = key

    def of(self, account_id: uuid.UUID, sector: str) -> str:
        mac = hmac.new(self._key, f"{sector}|{account_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def acr_of(auth_method: str) -> str:
    return ACR.get(auth_method, ACR["password"])


def amr_of(auth_method: str) -> list[str]:
    return list(AMR.get(auth_method, AMR["password"]))
