"""The successes an identity replica carries to lockout with an identifier's next reservation
(services/identity/identity/successes.py): given these successes, when taken or given back,
then these are carried."""

from __future__ import annotations

from identity.successes import PER_IDENTIFIER, Success, Successes

KEY = "ab" * 32


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_success_is_carried_once() -> None:
    successes = Successes(monotonic=Clock())
    successes.add(KEY, "r1")
    assert [s.reservation_id for s in successes.take(KEY)] == ["r1"]
    assert successes.take(KEY) == []


def test_a_success_older_than_the_bound_is_not_carried() -> None:
    clock = Clock()
    successes = Successes(max_age_s=60, monotonic=clock)
    successes.add(KEY, "old")
    clock.now += 30
    successes.add(KEY, "recent")
    clock.now += 45
    assert [s.reservation_id for s in successes.take(KEY)] == ["recent"]


def test_given_back_successes_keep_the_time_of_their_login() -> None:
    """A reservation whose answer never came gives its successes back: they are carried by the
    next one, and forgotten when they would have been had they never been taken."""
    clock = Clock()
    successes = Successes(max_age_s=60, monotonic=clock)
    successes.add(KEY, "r1")
    clock.now += 50
    taken = successes.take(KEY)
    successes.give_back(KEY, taken)
    assert successes.take(KEY) == [Success(1_000.0, "r1")]
    successes.give_back(KEY, taken)
    clock.now += 20  # 70 s after the login: past the bound
    assert successes.take(KEY) == []


def test_given_back_successes_join_the_newer_ones_oldest_first_out() -> None:
    clock = Clock()
    successes = Successes(monotonic=clock)
    for number in range(PER_IDENTIFIER):
        successes.add(KEY, f"r{number}")
        clock.now += 1
    taken = successes.take(KEY)
    successes.add(KEY, "newer")
    successes.give_back(KEY, taken)
    carried = [s.reservation_id for s in successes.take(KEY)]
    assert carried == [f"r{number}" for number in range(1, PER_IDENTIFIER)] + ["newer"]


def test_the_least_recently_used_identifier_goes_first() -> None:
    successes = Successes(max_entries=2, monotonic=Clock())
    for key in ("k1", "k2", "k3"):
        successes.add(key, f"r-{key}")
    assert successes.take("k1") == []
    assert [s.reservation_id for s in successes.take("k3")] == ["r-k3"]
