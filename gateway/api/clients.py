"""``python -m gateway.api.clients appli-mobile [--trusted-source]``: a new API client's secret
and its ``API_CLIENTS`` entry (gateway/api_clients.py parses the list).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
from typing import Any

from gateway.api_clients import CLIENT_ID


def new_client_secret() -> tuple[str, str]:
    """A fresh secret (given once to the client's team) and the SHA-256 kept in API_CLIENTS."""
    secret = secrets.token_urlsafe(32)
    return secret, hashlib.sha256(secret.encode()).hexdigest()


def main(argv: list[str]) -> int:
    """``python -m gateway.api.clients appli-mobile [--trusted-source]``"""
    if not argv or not CLIENT_ID.match(argv[0]):
        print("usage: python -m gateway.api.clients CLIENT_ID [--trusted-source]", file=sys.stderr)
        return 2
    secret, digest = new_client_secret()
    entry: dict[str, Any] = {"secret_sha256": digest, "trusted_source": "--trusted-source" in argv}
    print(f"client secret (give it to the client's team, then forget it): {secret}")
    print(f"API_CLIENTS entry: {json.dumps({argv[0]: entry})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
