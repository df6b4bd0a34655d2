"""SPEC §14 catalogue, whole, against the real application: every row × every role × target
(none / self / another member) × delegation off / on. Accounts are linked by identity's events,
some created before their household was registered, some after."""

from __future__ import annotations

import pytest
from delegation.catalogue import OWN_ACCOUNT_ACTIONS
from delegation_spec_table import ROLE_COLUMNS, SPEC_ROWS, expected, row_id
from delegation_world import account_created, new_app, parsed, person

ROLES = ("allocataire", "conjoint", "enfant", "autre")


def _household(app, number, roles, *, accounts_first):
    members = [person(role, f"{role.title()}", f"FAMILLE{number[-1]}") for role in roles]
    accounts = {}
    if accounts_first:
        accounts = {m["role"]: account_created(app, m["nir"]) for m in members}
    assert app.register_household(number, parsed(members))["outcome"] == "registered"
    if not accounts_first:
        accounts = {m["role"]: account_created(app, m["nir"]) for m in members}
    return accounts


@pytest.fixture(scope="module")
def world(tmp_path_factory, test_secrets):
    app = new_app(tmp_path_factory.mktemp("table"), test_secrets)
    off = _household(app, "1000001", ROLES, accounts_first=False)
    on = _household(app, "1000002", ROLES, accounts_first=True)
    assert app.set_delegation(on["allocataire"], True)["outcome"] == "granted"
    co = _household(
        app, "1000003", ("allocataire", "co_allocataire", "enfant", "autre"), accounts_first=False
    )
    provisional = account_created(app, None)
    yield {"app": app, False: off, True: on, "co": co, "provisional": provisional}
    app.close()


def asker_and_other(world, role, delegation):
    """The asking account, and another member of the same file (the allocataire, or for the
    allocataire their child); a provisional account's "other" is someone else's allocataire."""
    if role == "provisional":
        return world["provisional"], world[False]["allocataire"]
    accounts = world["co"] if role == "co_allocataire" else world[delegation]
    other = accounts["enfant" if role == "allocataire" else "allocataire"]
    return accounts[role], other


def _cases():
    for row in SPEC_ROWS:
        targets = [row[1]["target"]] if "target" in row[1] else [None, "self", "other"]
        for target in targets:
            yield row, target


@pytest.mark.parametrize("delegation", [False, True], ids=["delegation_off", "delegation_on"])
@pytest.mark.parametrize("role", list(ROLE_COLUMNS))
@pytest.mark.parametrize(
    ("row", "target"), list(_cases()), ids=[f"{row_id(r)}-{t}" for r, t in _cases()]
)
def test_the_catalogue(world, row, target, role, delegation):
    asker, other = asker_and_other(world, role, delegation)
    qualifiers = {k: v for k, v in row[1].items() if k != "target"}
    target_account_id = {None: None, "self": asker, "other": other}[target]

    result = world["app"].authorize(
        asker, row[0], target_account_id=target_account_id, **qualifiers
    )

    wanted = expected(row, role, delegation)
    if target == "other" and row[0] in OWN_ACCOUNT_ACTIONS:
        wanted = False  # one's own account only: someone else's is refused (not_own_account)
    if target == "other" and role == "provisional" and "target" not in row[1]:
        wanted = False  # a provisional account shares no file with anyone
    assert result["allowed"] is wanted, result
    assert isinstance(result["reason"], str) and result["reason"]


def test_profiles_reported_follow_the_role_and_the_delegation(world):
    app = world["app"]
    profile = lambda account: app.authorize(account, "view_history")["profile"]  # noqa: E731
    assert profile(world[False]["conjoint"]) == "spouse"
    assert profile(world[True]["conjoint"]) == "delegated_spouse"
    assert profile(world["co"]["co_allocataire"]) == "co_allocataire"
    assert profile(world[False]["enfant"]) == "member"
    assert profile(world["provisional"]) == "provisional"
