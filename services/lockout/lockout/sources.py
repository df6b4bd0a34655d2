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

    def is_throttled(self, source_key: str | None, now: datetime) -> bool:
        source = self.get(source_key) if source_key else None
        return source is not None and source.is_throttled(now)

    def count(self, failures: list[CountedFailure]) -> None:
        """Records each failure on the source it came from (stuffing detection)."""
        for failure in failures:
            if failure.source_key is None:
                continue
            source = self.get(failure.source_key)
            if source is None:
                source = SourceActivity(source_key=failure.source_key)
                self._loaded[failure.source_key] = source
            source.record_failure(failure.identifier_key, failure.at, self._policy)

    def changed(self) -> list[SourceActivity]:
        return [s for s in self._loaded.values() if s is not None]
