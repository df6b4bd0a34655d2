"""Received messages as one JSON file each under ``<DATA_DIR>/dev-mailbox`` (newest first).

>>> box = MessageBox(Path("var/dev-mailbox"))                        # doctest: +SKIP
>>> box.keep("mail", to="a@b.fr", subject="Code", body="…")         # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any


class MessageBox:
    def __init__(self, folder: Path):
        self.folder = folder

    def keep(self, kind: str, **fields: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.json"
        tmp = self.folder / (name + ".tmp")
        tmp.write_text(json.dumps({"kind": kind, "received_at": time.time(), **fields}))
        os.replace(tmp, self.folder / name)

    def messages(self, limit: int = 100) -> list[dict[str, Any]]:
        if not self.folder.is_dir():
            return []
        names = sorted((p for p in self.folder.glob("*.json")), reverse=True)[:limit]
        return [json.loads(path.read_text()) for path in names]
