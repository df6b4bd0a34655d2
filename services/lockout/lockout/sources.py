"""The sources touched by one decision: loaded once, saved with the ladder in one transaction."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.application import AggregateNotFoundError, Repository

from .domain import CountedFailure, SourceActivity, SourcePolicy


class SourceBook:
    """Sources read or changed while deciding (a unit of work of ``SourceActivity``)."""

    def __init__(self, repository: Repository, policy: SourcePolicy):
        self._repository = repository
        self._policy = policy
        self._loaded: dict[str, SourceActivity | None] = {}

    def get(self, source_key: str) -> SourceActivity | None:
        if source_key not in self._loaded:
            try:
                source: SourceActivity | None = self._repository.get(
                    SourceActivity.create_id(source_key)
                )
            except AggregateNotFoundError:
                source = None
            self._loaded[source_key] = source
        return self._loaded[source_key]

    def read_with_the_ladder(self, source_key: str, source: SourceActivity | None) -> None:
        """The source as read together with the ladder (None: never stored): not read again."""
        self._loaded[source_key] = source

    def is_throttled(self, source_key: str | None, now: datetime) -> bool:
        source = self.get(source_key) if source_key else None
        return source is not None and source.is_throttled(now)

    def admit(
        self,
        source_key: str | None,
        identifier_key: str,
        reservation: str,
        now: datetime,
        deadline: datetime,
        partner: bool = False,
    ) -> bool:
        """Whether the source may have one more check without a captcha; if so the check is
        held on it until settled (saved with the ladder: concurrent reservations conflict)."""
        if source_key is None:
            return True
        source = self._open(source_key)
        limit = self._policy.limit(partner)
        if not source.admits(identifier_key, now, limit, self._policy.window):
            return False
        source.hold(reservation, identifier_key, now, deadline, partner)
        return True

    def release(self, source_key: str | None, reservation: str, now: datetime) -> None:
        """A held check succeeded."""
        source = self.get(source_key) if source_key else None
        if source is not None:
            source.release(reservation, now)

    def count(self, failures: list[CountedFailure], partner: bool | None = None) -> None:
        """Records each failure on the source it came from (stuffing detection); ``partner``:
        whether that source is a partner's range, when known (else as last seen)."""
        for failure in failures:
            if failure.source_key is None:
                continue
            self._open(failure.source_key).record_failure(
                failure.identifier_key, failure.at, self._policy, failure.reservation, partner
            )

    def _open(self, source_key: str) -> SourceActivity:
        source = self.get(source_key)
        if source is None:
            source = SourceActivity(source_key=source_key)
            self._loaded[source_key] = source
        return source

    def changed(self) -> list[SourceActivity]:
        return [s for s in self._loaded.values() if s is not None]
