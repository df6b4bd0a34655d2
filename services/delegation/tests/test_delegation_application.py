"""The application on its embedded store: linking, the prompt's life cycle, automatic
revocations and what they publish, a restart, and what the store keeps."""

from __future__ import annotations

import uuid

import pytest
from delegation_world import account_created, new_app, new_nir, nir_assigned, parsed, person

from shared import events

DOSSIER = "7654321"


@pytest.fixture(params=[50, 2], ids=["events", "snapshots"])
def snapshot_interval(request):
    """Every test runs twice: state from events alone, and from a snapshot every 2 events."""
    return request.param


@pytest.fixture
def app(tmp_path, test_secrets, snapshot_interval):
    application = new_app(tmp_path, test_secrets, snapshot_interval)
    yield application
    application.close()


@pytest.fixture
def duchais(app):
    """Jonas (allocataire) and Florence (conjoint) DUCHAIS with their child, all with accounts."""
    members = [
        person("allocataire", "Jonas", "DUCHAIS"),
        person("conjoint", "Florence", "MARTIN") | {"usage_name": "Duchais"},
        person("enfant", "Léa", "DUCHAIS"),
    ]
    app.register_household(DOSSIER, parsed(members))
    accounts = {m["role"]: account_created(app, m["nir"]) for m in members}
    return {"members": members, **accounts}


def published(app) -> list[tuple[str, dict]]:
    """The integration events the relay would publish, validated against the contract."""
    found = []
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        translated = app.integration_event(app.mapper.to_domain_event(notification))
        if translated:
            message = events.build(*translated, producer="delegation", position=notification.id)
            found.append((message["event_type"], message["payload"]))
    return found


# --- linking accounts ---------------------------------------------------------------------


def test_an_account_created_before_its_household_is_still_linked(app):
    nir = new_nir()
    early = account_created(app, nir)
    app.register_household(DOSSIER, parsed([person("allocataire", "Jonas", "DUCHAIS", nir)]))
    assert app.household(DOSSIER)["members"] == [
        {"role": "allocataire", "display_name": "Jonas DUCHAIS", "has_account": True}
    ]
    assert app.authorize(early, "view_mail") == {
        "allowed": True,
        "reason": "full_rights",
        "profile": "allocataire",
    }


def test_an_account_created_after_is_linked_and_a_redelivery_does_nothing(app):
    members = [person("allocataire", "Jonas", "DUCHAIS"), person("enfant", "Léa", "DUCHAIS")]
    app.register_household(DOSSIER, parsed(members))
    assert [m["has_account"] for m in app.household(DOSSIER)["members"]] == [False, False]
    account_created(app, members[1]["nir"])
    assert [m["has_account"] for m in app.household(DOSSIER)["members"]] == [False, True]

    envelope_payload = {
        "account_id": str(uuid.uuid4()),
        "identifier_kind": "provisional",
        "identifier_key": "a" * 64,
        "nir_key": None,
        "supporting_documents_required": True,
        "benefit_request": None,
        "sealed_contact": None,
    }
    message = events.build("AccountCreated", envelope_payload, producer="identity", position=999)
    assert app.process(events.parse(message), app.on_account_created) is True
    assert app.process(events.parse(message), app.on_account_created) is False


def test_a_provisional_account_follows_the_provisional_column_until_its_nir(app):
    provisional = account_created(app, None)
    assert app.authorize(provisional, "track_procedures")["allowed"] is True
    assert app.authorize(provisional, "view_payments_and_rights")["reason"] == "no_affiliated_file"

    nir = new_nir(2)
    app.register_household(DOSSIER, parsed([person("allocataire", "Awa", "DIALLO", nir)]))
    nir_assigned(app, provisional, nir)

    assert app.authorize(provisional, "view_payments_and_rights") == {
        "allowed": True,
        "reason": "full_rights",
        "profile": "allocataire",
    }
    assert app.household(DOSSIER)["members"][0]["has_account"] is True


def test_nir_assigned_before_account_created_keeps_the_nir(app):
    account_id, nir = uuid.uuid4(), new_nir()
    nir_assigned(app, account_id, nir)
    account_created(app, None, account_id=account_id)
    assert app.authorize(account_id, "view_history")["profile"] == "unaffiliated"


def test_strangers_are_refused_with_a_reason(app, duchais):
    assert app.authorize(uuid.uuid4(), "view_history")["reason"] == "unknown_account"
    answer = app.authorize(
        duchais["allocataire"], "view_member_personal_info", target_account_id=uuid.uuid4()
    )
    assert (answer["allowed"], answer["reason"]) == (False, "unknown_target")
    assert app.delegation_prompt(uuid.uuid4())["reason"] == "unknown_account"
    assert app.set_delegation(uuid.uuid4(), True)["outcome"] == "unknown_account"


# --- the first-login prompt -----------------------------------------------------------------


def test_the_prompt_life_cycle(app, duchais):
    alloc = duchais["allocataire"]
    assert app.delegation_prompt(alloc) == {
        "ask": True,
        "spouse_display_name": "Florence DUCHAIS",
        "question": "J'autorise Florence DUCHAIS à consulter les données du dossier "
        "et à réaliser les démarches.",
        "reason": "pending",
    }
    assert app.delegation_prompt(duchais["conjoint"])["ask"] is False

    assert app.answer_delegation_prompt(alloc, "skip")["outcome"] == "skipped"
    assert app.delegation_prompt(alloc)["ask"] is True  # asked again next time

    assert app.answer_delegation_prompt(alloc, "yes") == {
        "outcome": "granted",
        "granted": True,
        "banner": "Vous autorisez Florence DUCHAIS à gérer votre dossier",
    }
    assert app.delegation_prompt(alloc)["ask"] is False
    assert app.delegation_status(alloc)["banner"] == (
        "Vous autorisez Florence DUCHAIS à gérer votre dossier"
    )
    assert app.delegation_status(duchais["conjoint"]) == {
        "granted": True,
        "spouse_display_name": "Jonas DUCHAIS",
        "banner": None,
        "role": "conjoint",
    }

    assert app.set_delegation(alloc, False)["outcome"] == "revoked"
    assert app.delegation_prompt(alloc) | {"question": None} == {
        "ask": False,
        "spouse_display_name": "Florence DUCHAIS",
        "question": None,
        "reason": "answered",
    }
    assert app.delegation_status(alloc)["banner"] is None


def test_a_no_is_not_asked_again_until_the_spouse_changes(app, duchais):
    alloc = duchais["allocataire"]
    assert app.answer_delegation_prompt(alloc, "no") == {
        "outcome": "declined",
        "granted": False,
        "banner": None,
    }
    assert app.delegation_prompt(alloc)["ask"] is False

    jonas, _, lea = duchais["members"]
    eric = person("conjoint", "Eric", "LEVESQUE")
    assert app.update_household(DOSSIER, parsed([jonas, eric, lea]))["outcome"] == "updated"

    prompt = app.delegation_prompt(alloc)
    assert (prompt["ask"], prompt["spouse_display_name"]) == (True, "Eric LEVESQUE")


def test_only_the_allocataire_manages_the_delegation(app, duchais):
    assert app.set_delegation(duchais["conjoint"], True)["outcome"] == "not_allocataire"
    assert app.answer_delegation_prompt(duchais["enfant"], "yes")["outcome"] == "no_prompt"
    assert published(app) == []


def test_the_household_role_says_the_role_only_and_none_outside_a_file(app, duchais):
    # Given the DUCHAIS file, a provisional account, and an account whose NIR is in no file
    provisional = account_created(app, None)
    unaffiliated = account_created(app, new_nir())

    # When Caf connect's userinfo asks each person's role
    roles = [app.household_role(duchais[r]) for r in ("allocataire", "conjoint", "enfant")]

    # Then each member reads their role, nothing more; the others and strangers read None
    assert roles == [{"role": "allocataire"}, {"role": "conjoint"}, {"role": "enfant"}]
    assert app.household_role(provisional) == app.household_role(unaffiliated) == {"role": None}
    assert app.household_role(uuid.uuid4()) == {"role": None}


# --- automatic revocations --------------------------------------------------------------------


def test_a_declared_separation_revokes_and_publishes_the_reason(app, duchais):
    app.set_delegation(duchais["allocataire"], True)
    assert app.declare_separation(duchais["conjoint"]) == {
        "outcome": "recorded",
        "delegation_revoked": True,
    }
    assert app.authorize(duchais["conjoint"], "view_mail")["allowed"] is False
    assert app.set_delegation(duchais["allocataire"], True)["outcome"] == "separation_declared"
    assert published(app) == [
        (
            "DelegationGranted",
            {
                "dossier_key": app.dossier_key(DOSSIER),
                "allocataire_account_id": str(duchais["allocataire"]),
                "spouse_account_id": str(duchais["conjoint"]),
            },
        ),
        (
            "DelegationRevoked",
            {
                "dossier_key": app.dossier_key(DOSSIER),
                "allocataire_account_id": str(duchais["allocataire"]),
                "spouse_account_id": str(duchais["conjoint"]),
                "reason": "separation",
            },
        ),
    ]


def test_the_spouse_leaving_the_file_revokes(app, duchais):
    app.set_delegation(duchais["allocataire"], True)
    jonas, _, lea = duchais["members"]
    result = app.update_household(DOSSIER, parsed([jonas, lea]))
    assert (result["left"], result["delegation_revoked"]) == (1, True)
    assert published(app)[-1][1]["reason"] == "spouse_left"
    assert app.authorize(duchais["conjoint"], "view_history")["profile"] == "unaffiliated"


def test_a_change_of_allocataire_revokes_and_asks_the_new_one(app, duchais):
    app.set_delegation(duchais["allocataire"], True)
    jonas, florence, lea = duchais["members"]
    swapped = [jonas | {"role": "conjoint"}, florence | {"role": "allocataire"}, lea]
    assert app.update_household(DOSSIER, parsed(swapped))["role_changes"] == 2
    assert published(app)[-1][1]["reason"] == "allocataire_changed"
    assert app.delegation_prompt(duchais["conjoint"])["spouse_display_name"] == "Jonas DUCHAIS"
    assert app.authorize(duchais["allocataire"], "view_mail")["reason"] == "delegation_required"


# --- back office ----------------------------------------------------------------------------


def test_back_office_outcomes(app, duchais):
    jonas = duchais["members"][0]
    again = app.register_household(DOSSIER, parsed(duchais["members"]))
    assert again["outcome"] == "already_registered"
    elsewhere = app.register_household("1111111", parsed([jonas]))
    assert elsewhere == {
        "outcome": "member_in_another_household",
        "members": [0],
        "dossier_number": "1111111",
    }
    assert app.update_household("2222222", parsed([jonas]))["outcome"] == "unknown_household"
    assert app.update_household(DOSSIER, parsed(duchais["members"]))["outcome"] == "unchanged"
    assert app.household("9999999") == {"dossier_number": "9999999", "found": False, "members": []}


def test_a_member_who_left_may_join_another_file(app, duchais):
    jonas, florence, lea = duchais["members"]
    app.update_household(DOSSIER, parsed([jonas, lea]))
    florence_alone = [florence | {"role": "allocataire"}]
    assert app.register_household("1111111", parsed(florence_alone))["outcome"] == "registered"
    assert app.authorize(duchais["conjoint"], "manage_authorizations")["allowed"] is True


# --- restart and storage ----------------------------------------------------------------------


def _everything(app, duchais):
    accounts = [duchais[role] for role in ("allocataire", "conjoint", "enfant")]
    return {
        "household": app.household(DOSSIER),
        "prompts": [app.delegation_prompt(a) for a in accounts],
        "statuses": [app.delegation_status(a) for a in accounts],
        "answers": [app.authorize(a, "view_mail") for a in accounts],
    }


def test_state_rebuilt_after_a_restart_equals_the_state_before(
    app, duchais, tmp_path, test_secrets, snapshot_interval
):
    app.answer_delegation_prompt(duchais["allocataire"], "yes")
    app.declare_separation(duchais["allocataire"])
    before = _everything(app, duchais)
    file_before = vars(app.find_household(DOSSIER))
    app.close()

    restarted = new_app(tmp_path, test_secrets, snapshot_interval)
    try:
        assert _everything(restarted, duchais) == before
        assert vars(restarted.find_household(DOSSIER)) == file_before
    finally:
        restarted.close()


def test_the_store_keeps_no_name_nor_nir_in_clear(app, duchais):
    app.set_delegation(duchais["allocataire"], True)
    query = f"SELECT state FROM {app.sql.events_table}"
    raw = b"".join(bytes(row[0]) for row in app.sql.execute(query))
    assert raw
    for member in duchais["members"]:
        assert member["nir"].encode() not in raw
        assert member["first_names"].encode() not in raw
    assert b"DUCHAIS" not in raw and b"Duchais" not in raw
    assert DOSSIER.encode() not in raw


def test_erasing_a_person_keeps_the_file_replayable(app, duchais):
    from delegation.directory import Person

    florence = duchais["members"][1]
    app.vault.erase(Person.create_id(app.pseudonyms.of("nir", florence["nir"])))
    members = app.household(DOSSIER)["members"]
    assert [m["display_name"] for m in members] == ["Jonas DUCHAIS", None, "Léa DUCHAIS"]
