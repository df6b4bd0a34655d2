"""A household's composition as the back office sends it, and the difference with the file.

The back office sends the whole current list (``update_household``); the file works out who
arrived, who left, whose role or names changed, and who the allocataire and spouse now are.

>>> recomposition({}, [MemberSpec("k1", "allocataire", names)]).joining   # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ROLES = ("allocataire", "conjoint", "co_allocataire", "enfant", "autre")


class InvalidCompositionError(ValueError):
    """The list breaks a rule of a household file (checked at the RPC edge first)."""


@dataclass(frozen=True)
class MemberSpec:
    """A member as the back office describes them (NIR already turned into ``nir_key``)."""

    nir_key: str
    role: str
    names: Any  # PersonalData of {"first_names", "birth_name", "usage_name"}


class KnownMember(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def names(self) -> Any: ...


@dataclass(frozen=True)
class Recomposition:
    """What changes; ``allocataire_key``/``spouse_key`` are those of the new composition."""

    joining: list[MemberSpec] = field(default_factory=list)
    leaving: list[str] = field(default_factory=list)
    new_roles: dict[str, str] = field(default_factory=dict)
    renamed: list[MemberSpec] = field(default_factory=list)
    allocataire_key: str | None = None
    spouse_key: str | None = None

    @property
    def unchanged(self) -> bool:
        return not (self.joining or self.leaving or self.new_roles or self.renamed)


def check_composition(members: Iterable[MemberSpec]) -> None:
    """One allocataire, at most one spouse (conjoint or co-allocataire), each person once."""
    members = list(members)
    roles = Counter(m.role for m in members)
    if unknown := set(roles) - set(ROLES):
        raise InvalidCompositionError(f"unknown roles {sorted(unknown)}")
    if roles["allocataire"] != 1:
        raise InvalidCompositionError("a household file has exactly one allocataire")
    if roles["conjoint"] + roles["co_allocataire"] > 1:
        raise InvalidCompositionError("a household file has at most one spouse")
    if len({m.nir_key for m in members}) != len(members):
        raise InvalidCompositionError("a person appears twice")


def _value(names: Any) -> Any:
    return getattr(names, "value", names)


def recomposition(current: Mapping[str, KnownMember], wanted: list[MemberSpec]) -> Recomposition:
    """The difference between the file's members (by nir_key) and the wanted list."""
    wanted_keys = {m.nir_key for m in wanted}
    known = [m for m in wanted if m.nir_key in current]
    return Recomposition(
        joining=[m for m in wanted if m.nir_key not in current],
        leaving=[key for key in current if key not in wanted_keys],
        new_roles={m.nir_key: m.role for m in known if current[m.nir_key].role != m.role},
        renamed=[m for m in known if _value(current[m.nir_key].names) != _value(m.names)],
        allocataire_key=next((m.nir_key for m in wanted if m.role == "allocataire"), None),
        spouse_key=next((m.nir_key for m in wanted if m.role == "conjoint"), None),
    )
