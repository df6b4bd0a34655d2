"""The household file (*dossier*) and the allocataire's delegation to the spouse.

Members are known by ``nir_key`` (keyed pseudonym of the NIR); their names travel only inside
``PersonalData`` (encrypted per person in the store). The composition comes from the back office
and changes over time; the delegation follows it: a new allocataire, the spouse leaving or a
declared separation revokes it, with the reason recorded.

>>> file = HouseholdFile(dossier_key="ab" * 32, operator="agent-42")   # doctest: +SKIP
>>> file.join(MemberSpec(nir_key, "allocataire", names), account_id=None)  # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate, event

from .composition import MemberSpec, Recomposition, check_composition, recomposition

NAMESPACE = uuid.UUID("0d5c3f7e-8a0e-4c55-a4b6-6f2f4c2f5d11")

#: Revocation reasons (the DelegationRevoked contract).
ALLOCATAIRE_CHOICE = "allocataire_choice"
SEPARATION = "separation"
SPOUSE_LEFT = "spouse_left"
ALLOCATAIRE_CHANGED = "allocataire_changed"

PROMPT_ANSWERS = ("yes", "no", "skip")


@dataclass(frozen=True)
class Member:
    nir_key: str
    role: str
    names: Any  # PersonalData of {"first_names", "birth_name", "usage_name"}
    account_id: uuid.UUID | None = None


def _key(member: Member | None) -> str | None:
    return member.nir_key if member else None


def _couple_id(allocataire_key: str | None, spouse_key: str | None) -> str:
    return f"{allocataire_key}:{spouse_key}"


class HouseholdFile(Aggregate):
    """One household file: its members, the delegation and the first-login prompt."""

    @staticmethod
    def create_id(dossier_key: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"household:{dossier_key}")

    @event("Registered")
    def __init__(self, dossier_key: str, operator: str | None):
        self.dossier_key = dossier_key
        self.members: dict[str, Member] = {}
        self.delegation_granted = False
        # "<allocataire>:<spouse>" couple whose prompt got a yes or a no: a new couple is asked
        self.prompt_answered_for: str | None = None
        self.separation_declared = False

    # --- who is who ---------------------------------------------------------------------

    def member_with_role(self, role: str) -> Member | None:
        return next((m for m in self.members.values() if m.role == role), None)

    @property
    def allocataire(self) -> Member | None:
        return self.member_with_role("allocataire")

    @property
    def spouse(self) -> Member | None:
        """The conjoint who may receive the delegation (a co-allocataire needs none)."""
        return self.member_with_role("conjoint")

    def prompt_pending_for(self, nir_key: str) -> bool:
        """True when this member is the allocataire and has not yet said yes or no for the
        current spouse (a "Passer" leaves it pending)."""
        allocataire, spouse = self.allocataire, self.spouse
        if allocataire is None or spouse is None or allocataire.nir_key != nir_key:
            return False
        if self.separation_declared:
            return False
        return self.prompt_answered_for != _couple_id(allocataire.nir_key, spouse.nir_key)

    # --- composition (back office) ------------------------------------------------------

    def filed_by_agent(
        self, *, action: str, operator: str | None, agency: str, reason: str | None
    ) -> None:
        """An agent filed or changed the file (issue #35): the members with an account then see
        it in « Mon historique »; ``reason``: a code of AGENT_REASONS, or None."""
        self._filed_by_agent(
            dossier_key=self.dossier_key, action=action, account_ids=self.member_accounts(),
            operator=operator, agency=agency, reason=reason,
        )  # fmt: skip

    @event("FiledByAgent")
    def _filed_by_agent(
        self, *, dossier_key: str, action: str, account_ids: list[str], operator: str | None,
        agency: str, reason: str | None,
    ) -> None:  # fmt: skip
        pass

    def member_accounts(self) -> list[str]:
        return sorted(str(m.account_id) for m in self.members.values() if m.account_id)

    def join(self, spec: MemberSpec, account_id: uuid.UUID | None) -> None:
        self._member_joined(spec.nir_key, spec.role, spec.names, account_id)

    def recompose(
        self,
        wanted: Iterable[MemberSpec],
        accounts: Mapping[str, uuid.UUID],
        operator: str | None = None,
    ) -> Recomposition:
        """Brings the composition to ``wanted`` (the whole new list); revokes first if needed.

        ``accounts`` gives the account of each joining member that already has one.
        """
        wanted = list(wanted)
        check_composition(wanted)
        change = recomposition(self.members, wanted)
        if change.unchanged:
            return change
        self._composition_changed(operator)  # who, for the audit trail; the details follow
        reason = self._revocation_reason(change)
        if reason:
            self._revoke(reason)
        if self.separation_declared and self._couple_of(change) != self._couple():
            self._separation_settled()  # the back office has applied the separation
        for nir_key in change.leaving:
            self._member_left(nir_key)
        for nir_key, role in change.new_roles.items():
            self._role_changed(nir_key, role)
        for spec in change.renamed:
            self._member_renamed(spec.nir_key, spec.names)
        for spec in change.joining:
            self._member_joined(spec.nir_key, spec.role, spec.names, accounts.get(spec.nir_key))
        return change

    def _couple(self) -> tuple[str | None, str | None]:
        return (_key(self.allocataire), _key(self.spouse))

    def _couple_of(self, change: Recomposition) -> tuple[str | None, str | None]:
        return (change.allocataire_key, change.spouse_key)

    def _revocation_reason(self, change: Recomposition) -> str | None:
        if not self.delegation_granted:
            return None
        allocataire_key, spouse_key = self._couple()
        if change.allocataire_key != allocataire_key:
            return ALLOCATAIRE_CHANGED
        if change.spouse_key != spouse_key:
            # a conjoint who becomes co-allocataire holds the file in their own right
            promoted = spouse_key and change.new_roles.get(spouse_key) == "co_allocataire"
            return ALLOCATAIRE_CHANGED if promoted else SPOUSE_LEFT
        return None

    def link_account(self, nir_key: str, account_id: uuid.UUID) -> bool:
        """Records that a member has an account (from identity's events); False if no change."""
        member = self.members.get(nir_key)
        if member is None or member.account_id == account_id:
            return False
        self._account_linked(nir_key, account_id)
        return True

    # --- delegation (allocataire) -------------------------------------------------------

    def set_delegation(self, by_nir_key: str, granted: bool) -> str:
        """The allocataire's choice (prompt or "Mes autorisations"); returns the outcome:
        ``granted`` | ``revoked`` | ``unchanged`` | ``not_allocataire`` | ``no_spouse`` |
        ``separation_declared``."""
        refusal = self._why_not_manageable(by_nir_key)
        if refusal:
            return refusal
        if granted == self.delegation_granted:
            if not granted and self.prompt_pending_for(by_nir_key):
                self._decline()  # a "no" from "Mes autorisations" also answers the prompt
            return "unchanged"
        if granted:
            self._grant()
            return "granted"
        self._revoke(ALLOCATAIRE_CHOICE)
        return "revoked"

    def answer_prompt(self, by_nir_key: str, answer: str) -> str:
        """yes / no apply like :meth:`set_delegation`; skip only records that it was skipped."""
        if answer not in PROMPT_ANSWERS:
            raise ValueError(f"unknown answer {answer}")
        if not self.prompt_pending_for(by_nir_key):
            return "no_prompt"
        if answer == "skip":
            self._prompt_skipped()
            return "skipped"
        outcome = self.set_delegation(by_nir_key, answer == "yes")
        return "declined" if outcome == "unchanged" and answer == "no" else outcome

    def declare_separation(self, by_nir_key: str) -> str:
        """``recorded`` | ``already_declared`` | ``no_spouse`` | ``not_allowed``."""
        member = self.members.get(by_nir_key)
        if member is None or member.role not in ("allocataire", "conjoint", "co_allocataire"):
            return "not_allowed"
        partner = self.spouse or self.member_with_role("co_allocataire")
        if partner is None:
            return "no_spouse"
        if self.separation_declared:
            return "already_declared"
        if self.delegation_granted:
            self._revoke(SEPARATION)
        self._separation_declared(by_nir_key)
        return "recorded"

    def _why_not_manageable(self, by_nir_key: str) -> str | None:
        allocataire = self.allocataire
        if allocataire is None or allocataire.nir_key != by_nir_key:
            return "not_allocataire"
        if self.spouse is None:
            return "no_spouse"
        if self.separation_declared:
            return "separation_declared"
        return None

    def _grant(self) -> None:
        allocataire, spouse = self.allocataire, self.spouse
        assert allocataire is not None and spouse is not None
        self._delegation_granted(
            self.dossier_key,
            allocataire.nir_key,
            spouse.nir_key,
            allocataire.account_id,
            spouse.account_id,
        )

    def _decline(self) -> None:
        allocataire, spouse = self.allocataire, self.spouse
        assert allocataire is not None and spouse is not None
        self._delegation_declined(allocataire.nir_key, spouse.nir_key)

    def _revoke(self, reason: str) -> None:
        allocataire, spouse = self.allocataire, self.spouse
        self._delegation_revoked(
            self.dossier_key,
            _key(allocataire),
            _key(spouse),
            allocataire.account_id if allocataire else None,
            spouse.account_id if spouse else None,
            reason,
        )

    # --- events (bodies run again on every replay: no decisions here) ------------------

    @event("CompositionChanged")
    def _composition_changed(self, operator: str | None) -> None:
        pass

    @event("MemberJoined")
    def _member_joined(
        self, nir_key: str, role: str, names: Any, account_id: uuid.UUID | None
    ) -> None:
        self.members[nir_key] = Member(nir_key, role, names, account_id)
        self._forget_stale_answer()

    @event("MemberLeft")
    def _member_left(self, nir_key: str) -> None:
        del self.members[nir_key]
        self._forget_stale_answer()

    @event("MemberRoleChanged")
    def _role_changed(self, nir_key: str, role: str) -> None:
        member = self.members[nir_key]
        self.members[nir_key] = Member(nir_key, role, member.names, member.account_id)
        self._forget_stale_answer()

    @event("MemberRenamed")
    def _member_renamed(self, nir_key: str, names: Any) -> None:
        member = self.members[nir_key]
        self.members[nir_key] = Member(nir_key, member.role, names, member.account_id)

    @event("MemberAccountLinked")
    def _account_linked(self, nir_key: str, account_id: uuid.UUID) -> None:
        member = self.members[nir_key]
        self.members[nir_key] = Member(nir_key, member.role, member.names, account_id)

    @event("DelegationGranted")
    def _delegation_granted(
        self,
        dossier_key: str,
        allocataire_key: str,
        spouse_key: str,
        allocataire_account_id: uuid.UUID | None,
        spouse_account_id: uuid.UUID | None,
    ) -> None:
        self.delegation_granted = True
        self.prompt_answered_for = _couple_id(allocataire_key, spouse_key)

    @event("DelegationDeclined")
    def _delegation_declined(self, allocataire_key: str, spouse_key: str) -> None:
        self.prompt_answered_for = _couple_id(allocataire_key, spouse_key)

    @event("DelegationRevoked")
    def _delegation_revoked(
        self,
        dossier_key: str,
        allocataire_key: str | None,
        spouse_key: str | None,
        allocataire_account_id: uuid.UUID | None,
        spouse_account_id: uuid.UUID | None,
        reason: str,
    ) -> None:
        self.delegation_granted = False
        if reason == ALLOCATAIRE_CHOICE and allocataire_key and spouse_key:
            self.prompt_answered_for = _couple_id(allocataire_key, spouse_key)

    @event("DelegationPromptSkipped")
    def _prompt_skipped(self) -> None:
        pass  # kept for the audit trail: the prompt stays pending

    @event("SeparationDeclared")
    def _separation_declared(self, declared_by: str) -> None:
        self.separation_declared = True

    @event("SeparationSettled")
    def _separation_settled(self) -> None:
        self.separation_declared = False

    def _forget_stale_answer(self) -> None:
        # a yes/no was given for one couple; another couple must be asked afresh
        if self.prompt_answered_for and self.prompt_answered_for != _couple_id(*self._couple()):
            self.prompt_answered_for = None
