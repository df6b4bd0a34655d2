"""A reservation's public id: the ladder it was taken on, and its token on that ladder.

report_attempt carries no identifier: the id itself says which ladder to settle.

>>> ReservationId.parse(str(ReservationId(uuid.UUID(int=7), "ab" * 16))).token == "ab" * 16
True
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PATTERN = re.compile(rf"^({UUID_TEXT})\.([0-9a-f]{{32}})$")


@dataclass(frozen=True)
class ReservationId:
    ladder_id: uuid.UUID
    token: str

    def __str__(self) -> str:
        return f"{self.ladder_id}.{self.token}"

    @classmethod
    def parse(cls, raw: str) -> ReservationId:
        match = PATTERN.match(raw)
        if match is None:
            raise ValueError("not a reservation id")
        return cls(uuid.UUID(match.group(1)), match.group(2))
