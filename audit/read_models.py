"""Read-model checks of services whose applications do not declare their own.

Only notification keeps a read model apart from its aggregates (its delivery board, two tables
of its store). Identity, lockout and delegation answer from aggregates (their indexes are
aggregates too), which the replay check already rebuilds one by one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any


class DeliveryBoardCheck:
    """The delivery board (the stored rows, caught up with the log) vs. the same facts read
    off each Delivery rebuilt from its events: what is due when, whose it is, what still
    awaits erasure.

    On a read-only store (the audit Job's role may not write the board) the board is compared
    as it stands, with each Delivery rebuilt up to the board's own position in the log."""

    name = "delivery_board"

    def differences(self, app: Any) -> list[str]:
        from notification.board import DeliveryBoard
        from notification.domain import FAILED, REQUESTED, SENDING, Delivery

        board = DeliveryBoard(app.sql, app.process_recorder)
        if app.sql.read_only:
            versions = _versions_at(app, board.position)
        else:
            board.catch_up()
            versions = {}
        due: dict[uuid.UUID, datetime | None] = {}
        owners: dict[uuid.UUID, set[uuid.UUID]] = {}
        unerased: set[uuid.UUID] = set()
        for delivery_id in (
            {i for ids in board.by_account.values() for i in ids}
            | set(board.due_at)
            | board.unerased
            | (set(versions) if app.sql.read_only else set(_delivery_ids(app)))
        ):
            delivery = app.repository.get(delivery_id, version=versions.get(delivery_id))
            if not isinstance(delivery, Delivery):
                continue
            if delivery.status in (REQUESTED, FAILED):
                due[delivery.id] = delivery.next_attempt_at
            elif delivery.status == SENDING:
                due[delivery.id] = delivery.lease_until
            elif not delivery.sealed_erased:
                unerased.add(delivery.id)
            if delivery.account_id is not None:
                owners.setdefault(delivery.account_id, set()).add(delivery.id)
        found = []
        if board.due_at != due:
            found.append(f"due deliveries differ ({len(board.due_at)} vs {len(due)})")
        if {a: set(ids) for a, ids in board.by_account.items() if ids} != owners:
            found.append("deliveries by account differ")
        if board.unerased != unerased:
            counts = f"{len(board.unerased)} vs {len(unerased)}"
            found.append(f"finished deliveries awaiting erasure differ ({counts})")
        return found


def _delivery_ids(app: Any) -> list[uuid.UUID]:
    from eventsourcing.utils import get_topic
    from notification.domain import Delivery

    rows = app.sql.execute(
        f"SELECT DISTINCT originator_id FROM {app.sql.events_table} WHERE topic = %s",
        (get_topic(Delivery.Requested),),
    )
    return [r[0] if isinstance(r[0], uuid.UUID) else uuid.UUID(str(r[0])) for r in rows]


def _versions_at(app: Any, position: int) -> dict[uuid.UUID, int]:
    """Each Delivery's version as of notification ``position`` of the log."""
    from eventsourcing.utils import get_topic
    from notification.domain import Delivery

    rows = app.sql.execute(
        f"SELECT originator_id, MAX(originator_version) FROM {app.sql.events_table}"
        " WHERE notification_id <= %s AND originator_id IN"
        f" (SELECT originator_id FROM {app.sql.events_table} WHERE topic = %s)"
        " GROUP BY originator_id",
        (position, get_topic(Delivery.Requested)),
    )
    return {
        row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(str(row[0])): int(row[1])
        for row in rows
    }


BUILT_IN_CHECKS: dict[str, tuple[Callable[[], Any], ...]] = {
    "notification": (DeliveryBoardCheck,),
}
