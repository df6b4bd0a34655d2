"""`make demo-household` files a household through the real delegation service (development and
test only), so that a newcomer can try the délégation de gestion in the portal."""

from __future__ import annotations

from typing import Any

from delegation.service import DelegationService

from gateway.dev import demo_household

ARGS = [
    "--dossier",
    "DEMO0042",
    "--allocataire",
    "1 85 05 75 123 456",
    "Jonas",
    "DUCHAIS",
    "--conjoint",
    "2 87 02 75 123 456",
    "Florence",
    "MARTIN",
]


def test_a_demo_household_is_filed_with_its_allocataire_and_spouse(
    services: Any, service_config: dict[str, Any], rpc: Any, capsys: Any
) -> None:
    services.start(DelegationService)

    code = demo_household.main(
        ARGS, {"ENVIRONMENT": "test", "AMQP_URI": service_config["AMQP_URI"]}
    )

    assert code == 0
    household = rpc.delegation.household("DEMO0042")
    assert [(m["role"], m["display_name"]) for m in household["members"]] == [
        ("allocataire", "Jonas DUCHAIS"),
        ("conjoint", "Florence MARTIN"),
    ]
    assert "Jonas DUCHAIS (allocataire)" in capsys.readouterr().out


def test_it_refuses_outside_development_and_test(capsys: Any) -> None:
    assert demo_household.main(ARGS, {"ENVIRONMENT": "production"}) == 2
    assert "development and test only" in capsys.readouterr().err


def test_a_bad_nir_is_a_french_field_error(
    services: Any, service_config: dict[str, Any], capsys: Any
) -> None:
    services.start(DelegationService)
    wrong = [*ARGS]
    wrong[3] = "1 85"

    code = demo_household.main(
        wrong, {"ENVIRONMENT": "test", "AMQP_URI": service_config["AMQP_URI"]}
    )

    assert code == 1
    assert "members" in capsys.readouterr().err
