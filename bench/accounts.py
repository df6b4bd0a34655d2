"""Accounts for the login figure, written straight into identity's store (a fast loader: a real
registration needs a verification code per account, which is not what this bench measures).

Each account is exactly what a completed registration saves: the ``Account`` aggregate and its
``IdentifierIndex``, personal fields encrypted under the account's own key.
"""

from __future__ import annotations

import uuid
from typing import Any

from identity.application import IdentityApplication
from identity.domain import Account, IdentifierIndex
from identity.settings import IdentitySettings

from shared.identifiers import Identifier

PASSWORD = "Bonjour2024Caf"


def seed_accounts(config: dict[str, Any], count: int, first: int = 91_000_000) -> list[str]:
    """Creates ``count`` accounts with provisional identifiers; returns the identifiers."""
    app = IdentityApplication(IdentitySettings.from_mapping(config, "identity"))
    password_hash = app.hasher.hash(PASSWORD)  # one hash, same parameters as identity's
    identifiers = []
    for number in range(first, first + count):
        identifier = Identifier("provisional", f"P{number:08d}")
        account_id = uuid.uuid4()
        contact = {"email": f"bench{number}@test.fr", "phone": None, "postal_address": None,
                   "preferred": "email"}  # fmt: skip
        civil = {"civility": "M", "birth_name": "Bench", "first_names": "Test"}
        account = Account(
            id=account_id,  # type: ignore[call-arg]  # eventsourcing's id=
            identifier_kind="provisional",
            identifier_key=app.store.identifier_key(identifier),
            nir_key=None,
            identifier=app.store.personal(account_id, identifier.value),
            civil_status=app.store.personal(account_id, civil),
            contact=app.store.personal(account_id, contact),
            password_hash=app.store.personal(account_id, password_hash),
            registered_at=app.clock.now(),
            supporting_documents_required=False,
            benefit_request=None,
            sealed_contact=None,
            registration_id=uuid.uuid4(),
        )
        index = IdentifierIndex(
            account_id=account_id,
            identifier_key=app.store.identifier_key(identifier),
            id=app.store.identifier_index_id(identifier),  # type: ignore[call-arg]
        )
        app.save(account, index)
        identifiers.append(identifier.value)
    app.close()
    return identifiers
