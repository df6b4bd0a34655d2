"""Files a demonstration household, so that a newcomer can try the délégation de gestion in the
portal (`make demo-household`). In real life the agency's back office files households; this is
its stand-in for `make run`, and it refuses to run outside ENVIRONMENT development or test.

    python -m gateway.dev.demo_household --allocataire "1 85 05 75 123 456" Jonas DUCHAIS \\
        --conjoint "2 87 02 75 123 456" Florence MARTIN

Both people then create their accounts in the portal with these NIRs and names; at the
allocataire's next login the portal asks whether the spouse may manage the file.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from connexion_client import ConnexionClient, InvalidInput

DEMO_ENVIRONMENTS = ("development", "test")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m gateway.dev.demo_household", description=__doc__
    )
    parser.add_argument("--dossier", default="DEMO0001", help="dossier number (default DEMO0001)")
    parser.add_argument(
        "--allocataire", nargs=3, required=True, metavar=("NIR", "PRENOMS", "NOM_DE_NAISSANCE")
    )
    parser.add_argument(
        "--conjoint", nargs=3, required=True, metavar=("NIR", "PRENOMS", "NOM_DE_NAISSANCE")
    )
    return parser.parse_args(argv)


def members(arguments: argparse.Namespace) -> list[dict[str, Any]]:
    return [
        {"nir": nir, "role": role, "first_names": first_names, "birth_name": birth_name}
        for role, (nir, first_names, birth_name) in (
            ("allocataire", arguments.allocataire),
            ("conjoint", arguments.conjoint),
        )
    ]


def main(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    environ = dict(os.environ if environ is None else environ)
    environment = environ.get("ENVIRONMENT", "development")
    if environment not in DEMO_ENVIRONMENTS:
        print(
            f"demo households are for development and test only (ENVIRONMENT={environment}):"
            " the agency's back office files real ones",
            file=sys.stderr,
        )
        return 2
    arguments = parse(sys.argv[1:] if argv is None else argv)
    amqp_uri = environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    client = ConnexionClient(amqp_uri, caller="back-office", timeout=10.0, pool_size=1)
    try:
        client.delegation.register_household(
            arguments.dossier,
            members(arguments),
            operator="démonstration",
            agent_token=_agent_token(environ),
        )
        household = client.delegation.household(arguments.dossier)
    except InvalidInput as refused:
        for field, messages in refused.fields.items():
            print(f"{field}: {' '.join(map(str, messages))}", file=sys.stderr)
        return 1
    finally:
        client.close()
    names = ", ".join(f"{m['display_name']} ({m['role']})" for m in household["members"])
    print(f"dossier {household['dossier_number']} : {names}")
    return 0


def _agent_token(environ: dict[str, str]) -> str | None:
    """When the services verify agents' tokens (`make run`: the development agents' provider,
    console/dev/), Marc PETIT's token for delegation, obtained as the console obtains it."""
    issuer = environ.get("CONSOLE_OIDC_ISSUER") or environ.get("AGENT_TOKEN_ISSUER")
    if not environ.get("AGENT_TOKEN_ISSUER") or not issuer:
        return None  # the operator argument is taken as is (development without a provider)
    from pathlib import Path

    from console.dev.agents_provider import demonstration_token
    from console.settings import development_client_secret

    secret = environ.get("CONSOLE_OIDC_CLIENT_SECRET") or development_client_secret(
        Path(environ.get("DATA_DIR", "var"))
    )
    console_url = environ.get("CONSOLE_PUBLIC_URL", "http://localhost:8092")
    return demonstration_token(issuer, console_url, secret, "delegation")


if __name__ == "__main__":
    sys.exit(main())
