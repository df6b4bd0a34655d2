"""How the household file's own value objects are written in snapshots.

A snapshot stores an aggregate's attributes; ``Member`` is ours, so we tell the transcoder how
to write it (its names stay a ``PersonalData``, encrypted by the platform's own transcoding).
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.persistence import Transcoding

from .domain import Member


class MemberAsDict(Transcoding):
    type = Member
    name = "delegation_member"

    def encode(self, obj: Member) -> dict[str, Any]:
        return {
            "nir_key": obj.nir_key,
            "role": obj.role,
            "names": obj.names,
            "account_id": str(obj.account_id) if obj.account_id else None,
        }

    def decode(self, data: dict[str, Any]) -> Member:
        account_id = uuid.UUID(data["account_id"]) if data["account_id"] else None
        return Member(data["nir_key"], data["role"], data["names"], account_id)
