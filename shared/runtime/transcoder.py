"""The stores' transcoder: eventsourcing's JSON format, decoded by orjson.

Stored events are written exactly as eventsourcing's ``JSONTranscoder`` writes them (same
encoder): nothing changes on disk. Reading parses with orjson (C) and then applies the
registered transcodings bottom-up, which is what ``json``'s ``object_hook`` does, one Python
call per object; rebuilding state from the log is dominated by this decoding. What orjson does
not read (``NaN``, integers beyond 64 bits) is read by ``json`` as before.

>>> import uuid
>>> from eventsourcing.persistence import UUIDAsHex
>>> transcoder = FastJSONTranscoder()
>>> transcoder.register(UUIDAsHex())
>>> transcoder.decode(transcoder.encode({"id": uuid.UUID(int=1)}))
{'id': UUID('00000000-0000-0000-0000-000000000001')}
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class FastJSONTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(bytes(data))
        return self._restore(parsed)

    def _restore(self, value: Any) -> Any:
        """Children first, then the object itself (as json's object_hook is called)."""
        if type(value) is dict:
            for key, item in value.items():
                kind = type(item)
                if kind is dict or kind is list:
                    value[key] = self._restore(item)
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._decode_obj(value)
            return value
        return [
            self._restore(item) if type(item) is dict or type(item) is list else item
            for item in value
        ]
