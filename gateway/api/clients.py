"""Registering a client of the one registry (``API_CLIENTS``, gateway/api_clients.py parses it):
its entry, and for a client that authenticates with a secret, the secret (shown once).

    python -m gateway.api.clients appli-mobile [--trusted-source]          # the HTTP API
    python -m gateway.api.clients appli-caf --public --redirect-uri https://appli.caf.fr/retour \\
        [--name "Caf - Mon Compte"] [--first-party] [--scope profile] [--scope household] \\
        [--post-logout-uri URI] [--backchannel-logout-uri URI]
    python -m gateway.api.clients partenaire --confidential --redirect-uri https://… \\
        [--jwks its-public-keys.json] [--scope nir --nir-legal-basis "…"] [--sector …]

Caf connect's clients: docs/oidc-provider.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import sys
from typing import Any

from gateway.api_clients import CLIENT_ID, parse_api_clients


def new_client_secret() -> tuple[str, str]:
    """A fresh secret (given once to the client's team) and the SHA-256 kept in API_CLIENTS."""
    secret = secrets.token_urlsafe(32)
    return secret, hashlib.sha256(secret.encode()).hexdigest()


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.api.clients")
    parser.add_argument("client_id")
    parser.add_argument("--trusted-source", action="store_true")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--public", action="store_true", help="Caf connect, no secret (PKCE)")
    kind.add_argument("--confidential", action="store_true", help="Caf connect, a secret")
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument(
        "--scope", action="append", default=[], choices=["profile", "nir", "household"]
    )
    parser.add_argument("--name", help="what the person reads (consent page, Mon historique)")
    parser.add_argument("--first-party", action="store_true")
    parser.add_argument("--sector")
    parser.add_argument("--nir-legal-basis")
    parser.add_argument("--post-logout-uri", action="append", default=[])
    parser.add_argument("--backchannel-logout-uri")
    parser.add_argument(
        "--jwks", help="confidential: private_key_jwt with these public keys (file)"
    )
    return parser


def main(argv: list[str]) -> int:
    if not argv or not CLIENT_ID.match(argv[0]):
        print("usage: python -m gateway.api.clients CLIENT_ID [--trusted-source | --public …"
              " | --confidential …]", file=sys.stderr)  # fmt: skip
        return 2
    args = _arguments().parse_args(argv)
    secret, digest = new_client_secret()
    entry: dict[str, Any] = {"secret_sha256": digest, "trusted_source": args.trusted_source}
    if args.public or args.confidential:
        entry = {
            "type": "public" if args.public else "confidential",
            "redirect_uris": args.redirect_uri,
            "scopes": ["openid", *args.scope],
            "first_party": args.first_party,
        }
        if args.confidential and args.jwks:
            entry["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105 - a name
            with open(args.jwks) as keys:
                entry["jwks"] = json.load(keys)
        elif args.confidential:
            entry["token_endpoint_auth_method"] = "client_secret_basic"  # noqa: S105 - a name
            entry["secret_sha256"] = digest
        for name, value in (("name", args.name), ("sector", args.sector),
                            ("nir_legal_basis", args.nir_legal_basis),
                            ("backchannel_logout_uri", args.backchannel_logout_uri)):  # fmt: skip
            if value:
                entry[name] = value
        if args.post_logout_uri:
            entry["post_logout_redirect_uris"] = args.post_logout_uri
    line = json.dumps({args.client_id: entry})
    try:
        parse_api_clients(line)  # what the gateway would refuse is refused here
    except ValueError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    if "secret_sha256" in entry:
        print(f"client secret (give it to the client's team, then forget it): {secret}")
    print(f"API_CLIENTS entry: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
