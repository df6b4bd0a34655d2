"""An aggregate cache whose entries expire: eventsourcing's LRU cache, with a time to live.

A cached aggregate is brought up to date from the store on every ``repository.get`` (its newer
events only: replicas stay consistent), so what expiry bounds is not staleness but how long
decrypted personal data outlives an erasure made by another process: as long as the key vault's
own cache (:data:`KeyVault.CACHE_TTL_S`). After expiry the aggregate is rebuilt from its
snapshot and events, through the vault.

>>> cache = ExpiringCache(maxsize=2, ttl_s=60.0)
>>> _ = cache.put("a", 1); cache.get("a")
1
>>> cache.forget_all(); "a" in cache.cache
False
"""

from __future__ import annotations

import time
from typing import Any

from eventsourcing.application import LRUCache


class ExpiringCache(LRUCache[Any, Any]):
    def __init__(self, maxsize: int, ttl_s: float):
        super().__init__(maxsize=maxsize)
        self.ttl_s = ttl_s

    def get(self, key: Any, *, evict: bool = False) -> Any:
        value, stored_at = super().get(key, evict=evict)
        if time.monotonic() - stored_at > self.ttl_s:
            if not evict:
                super().get(key, evict=True)
            raise KeyError(key)
        return value

    def put(self, key: Any, value: Any | None) -> Any | None:
        if value is None:
            return None
        return super().put(key, (value, time.monotonic()))

    def forget_all(self) -> None:
        """Empties the cache (eventsourcing's ``clear`` only resets the LRU order, it keeps
        the entries: it is meant for the constructor)."""
        with self.lock:
            self.cache.clear()
            self.clear()
            self.full = False
