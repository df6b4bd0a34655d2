"""Back-office calls over real RPC: NIR assignment, contact updates (spec §8)."""

from __future__ import annotations

from .conftest import NIR, OTHER_NIR, PASSWORD


def test_a_nir_replaces_the_provisional_identifier_for_login(identity):
    recap = identity.register_without_nir()
    provisional = recap["identifier"]

    assigned = identity.rpc.identity.assign_nir(provisional, OTHER_NIR, "agent-42", "affiliation")

    assert assigned == {"outcome": "assigned", "identifier_display": "2 62 09 99 123 456"}
    [event] = identity.tap.wait("NirAssigned")
    assert event["account_id"] == recap["account_id"] and event["operator"] == "agent-42"
    assert event["previous_identifier_key"] != event["identifier_key"]
    assert identity.login(OTHER_NIR)["outcome"] == "ok"
    assert identity.login(provisional)["outcome"] == "invalid_credentials"
    token = identity.session(OTHER_NIR)
    assert identity.rpc.identity.verify_session(token)["identifier_kind"] == "nir"


def test_a_nir_already_used_or_an_unknown_identifier_is_refused(identity):
    identity.register_with_nir()
    provisional = identity.register_without_nir(address="autre@test.fr")["identifier"]

    taken = identity.rpc.identity.assign_nir(provisional, NIR, "agent-42")
    unknown = identity.rpc.identity.assign_nir("P00000001", OTHER_NIR, "agent-42")

    assert taken["outcome"] == "nir_already_has_account"
    assert unknown["outcome"] == "unknown_identifier"
    assert identity.login(provisional)["outcome"] == "ok"


def test_contacts_updated_by_the_agency_are_recorded_and_published(identity):
    recap = identity.register_with_nir()

    updated = identity.rpc.identity.update_contacts(
        NIR, {"email": "nouvelle@test.fr"}, "agent-7", "appel téléphonique du 05/03"
    )

    assert updated == {"outcome": "updated"}
    [event] = identity.tap.wait("ContactsUpdated")
    assert (event["account_id"], event["operator"]) == (recap["account_id"], "agent-7")
    contact = identity.unsealer.unseal(event["sealed_contact"])
    assert contact["email"] == "nouvelle@test.fr" and contact["preferred"] == "email"
    token = identity.session(NIR, PASSWORD)
    assert identity.rpc.identity.account_summary(token)["contact"]["email"] == "nouvelle@test.fr"
