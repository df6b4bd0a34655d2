"""A reservation's public id: the ladder it was taken on, and its token on that ladder.

report_attempt carries no identifier: the id itself says which ladder to settle.

>>> ReservationId.parse(str(ReservationId(uuid.UUID(int=7), "ab" * 16))).token == "ab" * 16
True
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

#: a reservation made for a request is keyed by it: the same request reserves the same check
REQUEST_NAMESPACE = uuid.UUID("3c9e4f1a-7b2d-4e8c-a5f6-0d1e2f3a4b5c")

UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PATTERN = re.compile(rf"^({UUID_TEXT})\.([0-9a-f]{{32}})$")


@dataclass(frozen=True)
class ReservationId:
    ladder_id: uuid.UUID
    token: str

    def __str__(self) -> str:
        return f"{self.ladder_id}.{self.token}"

    @staticmethod
    def token_for(request_id: str | None) -> str:
        """The token of the check reserved for ``request_id`` (random without one)."""
        if not request_id:
            return uuid.uuid4().hex
        return uuid.uuid5(REQUEST_NAMESPACE, request_id).hex

    @classmethod
    def parse(cls, raw: str) -> ReservationId:
        match = PATTERN.match(raw)
        if match is None:
            raise ValueError("not a reservation id")
        return cls(uuid.UUID(match.group(1)), match.group(2))
