"""Leadership for singletons (the outbox relay): one holder per service store at a time.

PostgreSQL: a session-level advisory lock on a dedicated connection (released by the server if
the process dies). Embedded SQLite: an exclusive ``flock`` beside the database file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path
from typing import Any


class LeaderLock:
    def try_acquire(self) -> bool:
        raise NotImplementedError

    def still_held(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class AdvisoryLock(LeaderLock):
    def __init__(self, database_url: str, name: str):
        self.database_url = database_url
        self.key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        self.conn: Any = None

    def try_acquire(self) -> bool:
        import psycopg

        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(self.database_url, autocommit=True, connect_timeout=5)
        row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        return bool(row and row[0])

    def still_held(self) -> bool:
        try:
            self.conn.execute("SELECT 1")
            return True
        except Exception:
            self.release()
            return False

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None


class FileLock(LeaderLock):
    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        if self.fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def still_held(self) -> bool:
        return self.fd is not None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
