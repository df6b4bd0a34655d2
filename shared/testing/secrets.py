"""Secrets for tests: generated per session, never the development ones."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from joserfc.jwk import ECKey


def generate() -> dict[str, Any]:
    seal = ECKey.generate_key("P-256", private=True)
    session = ECKey.generate_key("P-256", private=True)
    return {
        "PSEUDONYM_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "PERSONAL_DATA_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "NOTIFICATION_SEAL_PUBLIC_JWK": json.dumps(seal.as_dict(private=False)),
        "NOTIFICATION_SEAL_PRIVATE_JWK": json.dumps(seal.as_dict(private=True)),
        "SESSION_SIGNING_JWK": json.dumps(session.as_dict(private=True)),
    }
