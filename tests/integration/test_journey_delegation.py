"""The household file across services (spec §8, §10): identity's accounts are linked to the
members the back office filed, the allocataire's choice reaches the spouse's phone, a separation
ends it; a NIR assigned to a provisional account moves it to its member of the file."""

from __future__ import annotations

from shared.testing import wait_for
from shared.testing.journeys.people import FLORENCE, JONAS, LEA, LEA_NIR, NEW_PASSWORD, PASSWORD
from shared.testing.journeys.platform import NIR_ASSIGNED_SUBJECT, Platform

DOSSIER = "0123456"
GRANTED_SMS = "vous autorise à consulter les données du dossier"
REVOKED_SMS = "la délégation de gestion de votre dossier a pris fin"


def test_the_allocataire_grants_the_spouse_who_is_told_and_a_separation_revokes_it(
    started: Platform,
) -> None:
    delegation = started.rpc.delegation
    delegation.register_household(
        DOSSIER, [JONAS.as_member("allocataire"), FLORENCE.as_member("conjoint")], "agent-42"
    )
    jonas = started.register(JONAS)["account_id"]
    florence = started.register(FLORENCE)["account_id"]  # her code comes by SMS
    wait_for(lambda: all(m["has_account"] for m in delegation.household(DOSSIER)["members"]))
    assert delegation.authorize(florence, "view_payments_and_rights")["allowed"] is False

    prompt = delegation.delegation_prompt(jonas)
    assert (prompt["ask"], prompt["spouse_display_name"]) == (True, FLORENCE.display_name)
    assert delegation.answer_delegation_prompt(jonas, "yes")["granted"] is True

    [told] = started.sms.wait(FLORENCE.phone_e164, GRANTED_SMS)
    assert told.startswith("Mon Compte (démonstration) :")  # ENVIRONMENT=test: no agency's name
    assert delegation.authorize(florence, "view_payments_and_rights")["allowed"] is True
    assert delegation.delegation_status(jonas)["banner"] == (
        f"Vous autorisez {FLORENCE.display_name} à gérer votre dossier"
    )

    separation = delegation.declare_separation(florence)

    assert separation["delegation_revoked"] is True
    assert delegation.authorize(florence, "view_payments_and_rights")["allowed"] is False
    assert delegation.delegation_status(jonas)["granted"] is False
    started.sms.wait(FLORENCE.phone_e164, REVOKED_SMS)
    kinds = [d["kind"] for d in started.rpc.notification.deliveries(florence)]
    assert {"delegation_granted", "delegation_revoked"} <= set(kinds)


def test_a_nir_assigned_to_a_provisional_account_logs_in_after_a_reset_and_joins_the_file(
    started: Platform,
) -> None:
    delegation = started.rpc.delegation
    delegation.register_household(
        DOSSIER, [JONAS.as_member("allocataire"), LEA.as_member("enfant", nir=LEA_NIR)]
    )
    recap = started.register(LEA)  # no NIR: a provisional identifier, sent by mail
    provisional, lea = recap["identifier"], recap["account_id"]
    assert started.provisional_identifier_received(LEA) == provisional
    wait_for(lambda: delegation.authorize(lea, "track_procedures")["allowed"])
    assert delegation.authorize(lea, "track_procedures")["profile"] == "provisional"

    assigned = started.rpc.identity.assign_nir(provisional, LEA_NIR, "agent-42")

    assert assigned == {"outcome": "assigned", "identifier_display": LEA_NIR}
    [told] = started.mailbox.wait(str(LEA.email), NIR_ASSIGNED_SUBJECT)
    assert "Mot de passe oublié" in told.get_body(preferencelist=("plain",)).get_content()
    # delegation links the account to the member filed with that NIR
    wait_for(lambda: delegation.household(DOSSIER)["members"][1]["has_account"])
    assert delegation.authorize(lea, "track_procedures")["profile"] == "member"
    # the provisional identifier no longer logs in; the NIR does, after "mot de passe oublié"
    assert started.login(provisional, PASSWORD)["outcome"] == "invalid_credentials"
    assert started.reset_password(LEA, LEA_NIR, NEW_PASSWORD)["outcome"] == "password_changed"
    answer = started.login(LEA_NIR, NEW_PASSWORD)
    assert answer["outcome"] == "ok"
    session = started.rpc.identity.verify_session(answer["session"]["token"])
    assert (session["account_id"], session["identifier_kind"]) == (lea, "nir")
