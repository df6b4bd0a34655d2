"""The real entrypoints over a real broker and store: identity's events link accounts, the
back office files households, gateways ask, delegation events are published."""

from __future__ import annotations

import uuid

import pytest
from delegation.service import DelegationService
from delegation_world import new_nir
from kombu import Connection, Exchange, Queue

from shared.runtime.pseudonyms import Pseudonymizer
from shared.runtime.rpc import InvalidInput
from shared.runtime.settings import parse_key
from shared.testing import application_of, both_stores, wait_for

DOSSIER = "0123456"
JONAS, FLORENCE, LEA = new_nir(1), new_nir(2), new_nir(2)
MEMBERS = [
    {"nir": JONAS, "role": "allocataire", "first_names": "Jonas", "birth_name": "DUCHAIS"},
    {"nir": FLORENCE, "role": "conjoint", "first_names": "Florence", "birth_name": "DUCHAIS"},
    {"nir": LEA, "role": "enfant", "first_names": "Léa", "birth_name": "DUCHAIS"},
]


class Identity:
    """Publishes identity's integration events as its relay would (real broker)."""

    def __init__(self, publish_event, config):
        self.publish = publish_event
        self.pseudonyms = Pseudonymizer(parse_key(config["PSEUDONYM_KEY"]))
        self.position = 0

    def _next(self) -> int:
        self.position += 1
        return self.position

    def account_created(self, nir: str | None) -> str:
        account_id = str(uuid.uuid4())
        identifier = nir or f"P{uuid.uuid4().int % 10**8:08d}"
        payload = {
            "account_id": account_id,
            "identifier_kind": "nir" if nir else "provisional",
            "identifier_key": self.pseudonyms.of("identifier", identifier),
            "nir_key": self.pseudonyms.of("nir", nir) if nir else None,
            "supporting_documents_required": False,
            "benefit_request": None,
            "sealed_contact": None,
        }
        self.publish("AccountCreated", payload, producer="identity", position=self._next())
        return account_id

    def nir_assigned(self, account_id: str, nir: str) -> None:
        payload = {
            "account_id": account_id,
            "previous_identifier_key": self.pseudonyms.of("identifier", "P00000001"),
            "identifier_key": self.pseudonyms.of("identifier", nir),
            "nir_key": self.pseudonyms.of("nir", nir),
            "operator": "agent-7",
        }
        self.publish("NirAssigned", payload, producer="identity", position=self._next())


@pytest.fixture
def identity(publish_event, service_config):
    return Identity(publish_event, service_config)


def has_accounts(rpc, count):
    members = rpc.delegation.household(DOSSIER)["members"]
    return sum(m["has_account"] for m in members) == count


@both_stores
def test_accounts_linked_from_identity_events_before_and_after_registration(
    services, rpc, identity
):
    services.start(DelegationService)
    jonas = identity.account_created(JONAS)  # before the file exists
    assert rpc.delegation.register_household(DOSSIER, MEMBERS)["outcome"] == "registered"
    florence = identity.account_created(FLORENCE)  # after
    wait_for(lambda: has_accounts(rpc, 2))

    assert rpc.delegation.authorize(jonas, "manage_authorizations")["allowed"] is True
    assert rpc.delegation.authorize(florence, "view_payments_and_rights") == {
        "allowed": False,
        "reason": "delegation_required",
        "profile": "spouse",
    }
    assert rpc.delegation.household(" 0123 456 ")["members"] == [
        {"role": "allocataire", "display_name": "Jonas DUCHAIS", "has_account": True},
        {"role": "conjoint", "display_name": "Florence DUCHAIS", "has_account": True},
        {"role": "enfant", "display_name": "Léa DUCHAIS", "has_account": False},
    ]


def test_a_provisional_account_gets_its_rights_when_its_nir_is_assigned(services, rpc, identity):
    services.start(DelegationService)
    rpc.delegation.register_household(DOSSIER, MEMBERS)
    provisional = identity.account_created(None)
    wait_for(lambda: rpc.delegation.authorize(provisional, "view_history")["allowed"])
    assert rpc.delegation.authorize(provisional, "track_procedures")["profile"] == "provisional"

    identity.nir_assigned(provisional, LEA)
    wait_for(lambda: has_accounts(rpc, 1))
    assert rpc.delegation.authorize(provisional, "track_procedures") == {
        "allowed": False,
        "reason": "member_restricted",
        "profile": "member",
    }


def test_granting_and_a_separation_publish_on_the_broker(services, rpc, identity, service_config):
    services.start(DelegationService)
    jonas, florence = identity.account_created(JONAS), identity.account_created(FLORENCE)
    rpc.delegation.register_household(DOSSIER, MEMBERS)
    wait_for(lambda: has_accounts(rpc, 2))

    with Connection(service_config["AMQP_URI"]) as connection:
        exchange = Exchange("delegation.events", type="topic", durable=True)
        queue = Queue("test-delegation-events", exchange, routing_key="#", durable=False)
        queue = queue.bind(connection.default_channel)
        queue.declare()

        assert rpc.delegation.delegation_prompt(jonas)["ask"] is True
        assert rpc.delegation.answer_delegation_prompt(jonas, "yes")["granted"] is True
        assert rpc.delegation.authorize(florence, "view_payments_and_rights")["allowed"] is True
        assert rpc.delegation.declare_separation(florence)["delegation_revoked"] is True

        received: list[dict] = []
        wait_for(lambda: _drain(queue, received) and len(received) == 2)

    assert [m["event_type"] for m in received] == ["DelegationGranted", "DelegationRevoked"]
    assert received[1]["payload"]["reason"] == "separation"
    assert received[1]["payload"]["spouse_account_id"] == florence


def _drain(queue, received):
    while (message := queue.get(no_ack=True)) is not None:
        received.append(message.payload)
    return True


def test_state_after_a_restart_equals_the_state_before(services, rpc, identity):
    container = services.start(DelegationService)
    accounts = [identity.account_created(nir) for nir in (JONAS, FLORENCE, LEA)]
    rpc.delegation.register_household(DOSSIER, MEMBERS)
    wait_for(lambda: has_accounts(rpc, 3))
    rpc.delegation.answer_delegation_prompt(accounts[0], "skip")
    rpc.delegation.set_delegation(accounts[0], True)

    def everything():
        return {
            "household": rpc.delegation.household(DOSSIER),
            "status": [rpc.delegation.delegation_status(a) for a in accounts],
            "prompt": [rpc.delegation.delegation_prompt(a) for a in accounts],
            "mail": [rpc.delegation.authorize(a, "view_mail") for a in accounts],
        }

    before = everything()
    file_before = vars(application_of(container).find_household(DOSSIER))
    restarted = services.restart(container)
    assert everything() == before
    assert vars(application_of(restarted).find_household(DOSSIER)) == file_before
    assert before["status"][0]["banner"] == "Vous autorisez Florence DUCHAIS à gérer votre dossier"


def test_update_household_through_rpc(services, rpc, identity):
    services.start(DelegationService)
    jonas = identity.account_created(JONAS)
    rpc.delegation.register_household(DOSSIER, MEMBERS, operator="agent-42")
    wait_for(lambda: has_accounts(rpc, 1))
    rpc.delegation.set_delegation(jonas, True)

    result = rpc.delegation.update_household(DOSSIER, [MEMBERS[0], MEMBERS[2]], "agent-42")

    assert result == {
        "outcome": "updated",
        "joined": 0,
        "left": 1,
        "role_changes": 0,
        "renamed": 0,
        "delegation_revoked": True,
        "dossier_number": DOSSIER,
    }
    assert rpc.delegation.delegation_status(jonas)["granted"] is False


@pytest.mark.parametrize(
    ("call", "code", "fields"),
    [
        (lambda d: d.register_household("12", MEMBERS), "invalid_household", {"dossier_number"}),
        (
            lambda d: d.register_household(
                DOSSIER, [{**MEMBERS[0], "nir": "1 63 06 31 555 083 99"}]
            ),
            "invalid_household",
            {"members"},
        ),
        (lambda d: d.register_household(DOSSIER, MEMBERS[1:]), "invalid_household", {"members"}),
        (
            lambda d: d.register_household(DOSSIER, [MEMBERS[0], MEMBERS[0]]),
            "invalid_household",
            {"members"},
        ),
        (
            lambda d: d.answer_delegation_prompt(str(uuid.uuid4()), "peut-être"),
            "invalid_input",
            {"answer"},
        ),
        (lambda d: d.authorize("pas-un-uuid", "view_mail"), "invalid_input", {"account_id"}),
    ],
    ids=["dossier", "nir key", "no allocataire", "twice", "answer", "account id"],
)
def test_bad_input_is_refused_in_french_and_stores_nothing(services, rpc, call, code, fields):
    container = services.start(DelegationService)
    with pytest.raises(InvalidInput) as error:
        call(rpc.delegation)
    assert error.value.code == code
    assert set(error.value.fields) == fields
    assert application_of(container).recorder.max_notification_id() in (None, 0)


def test_unknown_action_and_missing_qualifier_are_answers_not_errors(services, rpc, identity):
    services.start(DelegationService)
    jonas = identity.account_created(JONAS)
    rpc.delegation.register_household(DOSSIER, MEMBERS)
    wait_for(lambda: has_accounts(rpc, 1))
    assert rpc.delegation.authorize(jonas, "teleport")["reason"] == "unknown_action"
    assert rpc.delegation.authorize(jonas, "contact_caf")["reason"] == "missing_channel"
    assert rpc.delegation.authorize(str(uuid.uuid4()), "view_mail") == {
        "allowed": False,
        "reason": "unknown_account",
        "profile": None,
    }


def test_a_gateway_reads_a_persons_household_role_over_rpc(services, rpc, identity):
    # Given the file and the spouse's account, linked from identity's event
    services.start(DelegationService)
    rpc.delegation.register_household(DOSSIER, MEMBERS)
    florence = identity.account_created(FLORENCE)
    wait_for(lambda: has_accounts(rpc, 1))

    # When Caf connect's userinfo asks (the portal's broker user may: broker_users.py)
    answer = rpc.delegation.household_role(florence)

    # Then her role, and nothing of the file's names; a malformed id is refused in French
    assert answer == {"role": "conjoint"}
    assert rpc.delegation.household_role(str(uuid.uuid4())) == {"role": None}
    with pytest.raises(InvalidInput) as error:
        rpc.delegation.household_role("pas-un-uuid")
    assert set(error.value.fields) == {"account_id"}
