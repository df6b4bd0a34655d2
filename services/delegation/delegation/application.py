"""The delegation application: household files, the spouse's delegation, authorization answers.

Commands load what they need, let the aggregates decide, and save everything in one
transaction (retried on a concurrent change). Queries read the current state only.

>>> app = DelegationApplication(settings)                                 # doctest: +SKIP
>>> app.authorize(account_id, "contact_caf", channel="email")["allowed"]  # doctest: +SKIP
False
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from eventsourcing.persistence import JSONTranscoder

from shared.events import Envelope
from shared.identifiers import Identifier
from shared.runtime.agent_gate import AgentAct
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.personal_data import PersonalData

from . import integration, linking, views
from .access import answer
from .composition import MemberSpec
from .directory import Person
from .domain import HouseholdFile
from .records import Records
from .storage import MemberAsDict

Outcome = tuple[dict[str, Any], list[Any]]  # the result, and the aggregates to save


class DelegationApplication(ServiceApplication):
    name = "delegation"
    snapshotted: ClassVar[tuple[type, ...]] = (HouseholdFile,)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.records = Records(self.repository)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(MemberAsDict())

    def dossier_key(self, dossier_number: str) -> str:
        return self.pseudonyms.of("dossier", dossier_number)

    def find_household(self, dossier_number: str) -> HouseholdFile | None:
        return self.records.household(self.dossier_key(dossier_number))

    def _run(self, command: Callable[[], Outcome]) -> dict[str, Any]:
        """Runs a command, retrying it on a concurrent change; returns its result."""
        result: dict[str, Any] = {}

        def attempt() -> list[Any]:
            outcome, aggregates = command()
            result.clear()
            result.update(outcome)
            return aggregates

        self.save_with_retry(attempt)
        return result

    # --- composition (back office) ------------------------------------------------------

    def _member_specs(self, members: Iterable[dict[str, Any]]) -> list[MemberSpec]:
        """Members as parsed at the edge (``nir`` is an ``Identifier``) -> pseudonymised."""
        specs = []
        for member in members:
            identifier: Identifier = member["nir"]
            nir_key = self.pseudonyms.of("nir", identifier.value)
            names = {k: member.get(k) for k in ("first_names", "birth_name", "usage_name")}
            names_data = PersonalData(Person.create_id(nir_key), names)
            specs.append(MemberSpec(nir_key, member["role"], names_data))
        return specs

    def register_household(
        self,
        dossier_number: str,
        members: list[dict[str, Any]],
        operator: str | None = None,
        act: AgentAct | None = None,
    ) -> dict[str, Any]:
        """Files a new household: ``register_household("0123456", members, "agent-42")``."""
        dossier_key = self.dossier_key(dossier_number)
        specs = self._member_specs(members)

        def command() -> Outcome:
            if self.records.household(dossier_key):
                return {"outcome": "already_registered"}, []
            people = self.records.people(specs)
            if elsewhere := _members_elsewhere(specs, people, dossier_key):
                return {"outcome": "member_in_another_household", "members": elsewhere}, []
            file = HouseholdFile(dossier_key=dossier_key, operator=operator)
            for spec in specs:
                file.join(spec, account_id=people[spec.nir_key].account_id)
                people[spec.nir_key].join(dossier_key)
            _filed_by(file, "register_household", operator, act)
            return {"outcome": "registered"}, [file, *people.values()]

        return {**self._run(command), "dossier_number": dossier_number}

    def update_household(
        self,
        dossier_number: str,
        members: list[dict[str, Any]],
        operator: str | None = None,
        act: AgentAct | None = None,
    ) -> dict[str, Any]:
        """Brings a file to the back office's current list (who arrived, left, changed role);
        revokes the delegation if the allocataire changed or the spouse left."""
        dossier_key = self.dossier_key(dossier_number)
        specs = self._member_specs(members)

        def command() -> Outcome:
            file = self.records.household(dossier_key)
            if file is None:
                return {"outcome": "unknown_household"}, []
            people = self.records.people(specs)
            if elsewhere := _members_elsewhere(specs, people, dossier_key):
                return {"outcome": "member_in_another_household", "members": elsewhere}, []
            accounts = {k: p.account_id for k, p in people.items() if p.account_id}
            was_granted = file.delegation_granted
            change = file.recompose(specs, accounts, operator)
            for nir_key in change.leaving:
                if (leaver := self.records.person(nir_key)) is not None:
                    leaver.leave(dossier_key)
                    people[nir_key] = leaver
            for spec in change.joining:
                people[spec.nir_key].join(dossier_key)
            if not change.unchanged:
                _filed_by(file, "update_household", operator, act)
            return {
                "outcome": "unchanged" if change.unchanged else "updated",
                "joined": len(change.joining),
                "left": len(change.leaving),
                "role_changes": len(change.new_roles),
                "renamed": len(change.renamed),
                "delegation_revoked": was_granted and not file.delegation_granted,
            }, [file, *people.values()]

        return {**self._run(command), "dossier_number": dossier_number}

    def household(self, dossier_number: str) -> dict[str, Any]:
        """The file as the back office sees it: ``household("0123456")["members"]``."""
        return views.household_view(dossier_number, self.find_household(dossier_number))

    def agent_household_view(self, identifier: Identifier) -> dict[str, Any]:
        """The household of a person, for the agents' console (SPEC §19):
        ``{"found": True, "dossier_number": None, "members": [{"role", "name", "is_person",
        "has_account", "identifier_display"}], "delegation": {"state", "since"}}``."""
        nir_key = self.pseudonyms.of("nir", identifier.value)
        person = self.records.person(nir_key)
        dossier_key = getattr(person, "dossier_key", None)
        file = self.records.household(dossier_key) if dossier_key else None
        return views.agent_household_view(file, nir_key, identifier.display)

    # --- delegation (allocataire, spouse) ------------------------------------------------

    def _file_command(
        self, account_id: uuid.UUID, decide: Callable[[HouseholdFile, str], dict[str, Any]]
    ) -> dict[str, Any]:
        def command() -> Outcome:
            account, file = self.records.whereabouts(account_id)
            if account is None:
                return {"outcome": "unknown_account"}, []
            if file is None or account.nir_key is None:
                return {"outcome": "not_in_household"}, []
            return decide(file, account.nir_key), [file]

        return self._run(command)

    def delegation_prompt(self, account_id: uuid.UUID) -> dict[str, Any]:
        """Whether to ask the first-login question: ``delegation_prompt(account_id)["ask"]``."""
        account, file = self.records.whereabouts(account_id)
        reason = "unknown_account" if account is None else "not_in_household"
        return views.prompt_view(file, account.nir_key if account else None, reason)

    def answer_delegation_prompt(self, account_id: uuid.UUID, answer: str) -> dict[str, Any]:
        """yes / no / skip: ``answer_delegation_prompt(account_id, "skip")``."""

        def decide(file: HouseholdFile, nir_key: str) -> dict[str, Any]:
            outcome = file.answer_prompt(nir_key, answer)
            return {"outcome": outcome, **views.granted_and_banner(file, nir_key)}

        return self._file_command(account_id, decide)

    def set_delegation(self, account_id: uuid.UUID, granted: bool) -> dict[str, Any]:
        """ "Mes autorisations": ``set_delegation(account_id, False)``."""

        def decide(file: HouseholdFile, nir_key: str) -> dict[str, Any]:
            outcome = file.set_delegation(nir_key, granted)
            return {"outcome": outcome, **views.granted_and_banner(file, nir_key)}

        return self._file_command(account_id, decide)

    def delegation_status(self, account_id: uuid.UUID) -> dict[str, Any]:
        """The home-page banner: ``delegation_status(account_id)["banner"]``."""
        account, file = self.records.whereabouts(account_id)
        return views.status_view(file, account.nir_key if account else None)

    def household_role(self, account_id: uuid.UUID) -> dict[str, Any]:
        """The person's role in their household file, nothing else (Caf connect's
        ``household_role`` claim, docs/oidc-provider.md): ``{"role": "allocataire"}``; ``None``
        for an account in no registered file (provisional, unaffiliated) or unknown here."""
        account, file = self.records.whereabouts(account_id)
        member = file.members.get(account.nir_key) if file and account and account.nir_key else None
        return {"role": member.role if member is not None else None}

    def declare_separation(self, account_id: uuid.UUID) -> dict[str, Any]:
        """Revokes the delegation at once: ``declare_separation(account_id)["outcome"]``."""

        def decide(file: HouseholdFile, nir_key: str) -> dict[str, Any]:
            was_granted = file.delegation_granted
            outcome = file.declare_separation(nir_key)
            revoked = was_granted and not file.delegation_granted
            return {"outcome": outcome, "delegation_revoked": revoked}

        return self._file_command(account_id, decide)

    # --- authorization --------------------------------------------------------------------

    def authorize(
        self,
        account_id: uuid.UUID,
        action: str,
        target_account_id: uuid.UUID | None = None,
        benefit: str | None = None,
        channel: str | None = None,
        kind: str | None = None,
    ) -> dict[str, Any]:
        """Allowed or not, with a reason code, from the current state (SPEC §14 catalogue):
        ``authorize(account_id, "request_benefit", benefit="AAH")``."""
        account, file = self.records.whereabouts(account_id)
        target = None
        if target_account_id is not None and target_account_id != account_id:
            target = self.records.account(target_account_id)
        return answer(
            account, file, target, target_account_id=target_account_id, action=action,
            benefit=benefit, channel=channel, kind=kind,
        ).as_dict()  # fmt: skip

    # --- identity's events, publication -------------------------------------------------

    def on_account_created(self, envelope: Envelope) -> list[Any]:
        return linking.account_created(self.records, envelope.payload)

    def on_nir_assigned(self, envelope: Envelope) -> list[Any]:
        return linking.nir_assigned(self.records, envelope.payload)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        return integration.integration_event(domain_event)


def _members_elsewhere(
    specs: list[MemberSpec], people: dict[str, Person], dossier_key: str
) -> list[int]:
    """Positions (0-based) of members who already belong to another household file."""
    return [
        index
        for index, spec in enumerate(specs)
        if people[spec.nir_key].dossier_key not in (None, dossier_key)
    ]


def _filed_by(file: HouseholdFile, action: str, operator: str | None, act: AgentAct | None) -> None:
    """The agent's filing, for the members' « Mon historique » (issue #35)."""
    if act is None:
        return
    reason = act.reason if act.reason_label is not None else None
    file.filed_by_agent(action=action, operator=operator, agency=act.agency, reason=reason)
