"""Personal data in events, encrypted per person, erasable by destroying the person's key.

Wrap any personal value of a domain event in :class:`PersonalData`; the store keeps it encrypted
(AES-256-GCM) under a key of its own subject (usually the account id). Keys are kept in the
service's own database, wrapped by ``PERSONAL_DATA_MASTER_KEY``. :meth:`KeyVault.erase` destroys
a subject's key (GDPR art. 17, crypto-shredding): from then on the value reads back as erased
(``value is None``, ``erased is True``) while every event still replays.

A value that expires by time for everyone (spec §17) also names a *bucket*: a second subject,
one per category and month (``shared.privacy.buckets``). It is then encrypted under a key
derived from both keys, so destroying either makes it unreadable: the person's on erasure, the
month's when the retention job expires that month.

>>> name = PersonalData(account_id, {"birth_name": "DUPONT"})   # doctest: +SKIP
>>> source = PersonalData(account_id, "203.0.113.7", bucket=month_bucket)   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.persistence import Transcoding

from .sql import SqlStore


@dataclass(frozen=True)
class PersonalData:
    """A personal value and the subject whose key protects it (and its month bucket, if any)."""

    subject_id: uuid.UUID
    value: Any
    erased: bool = False
    bucket: uuid.UUID | None = None

    def __repr__(self) -> str:  # keeps personal values out of logs and tracebacks
        return f"PersonalData({self.subject_id}, {'<erased>' if self.erased else '***'})"

    @classmethod
    def erased_for(cls, subject_id: uuid.UUID, bucket: uuid.UUID | None = None) -> PersonalData:
        return cls(subject_id, None, erased=True, bucket=bucket)


class KeyVault:
    """Per-subject data keys, wrapped by the master key, in table ``personal_data_keys``."""

    CACHE_TTL_S = 60.0

    def __init__(self, sql: SqlStore, master_key: bytes):
        self.sql = sql
        self._master = AESGCM(master_key[:32])
        self._cache: dict[uuid.UUID, tuple[bytes, float]] = {}
        self.sql.execute(
            "CREATE TABLE IF NOT EXISTS {schema}personal_data_keys ("
            " subject_id TEXT PRIMARY KEY, wrapped_key BYTEA, erased_at TEXT)"
        )

    def key_for(self, subject_id: uuid.UUID, *, create: bool) -> bytes | None:
        """The subject's data key; ``None`` if erased (or absent and ``create`` is false).

        Keys are cached for ``CACHE_TTL_S``: an erasure made by another process is seen by
        this one within that delay (this process's own erasures at once).
        """
        cached = self._cache.get(subject_id)
        if cached and time.monotonic() - cached[1] < self.CACHE_TTL_S:
            return cached[0]
        key, erased = self._load(subject_id)
        if key is None and create and not erased:
            wrapped = self._wrap(subject_id, AESGCM.generate_key(bit_length=256))
            self.sql.execute(
                "INSERT INTO {schema}personal_data_keys (subject_id, wrapped_key) VALUES (%s, %s)"
                " ON CONFLICT (subject_id) DO NOTHING",
                (str(subject_id), wrapped),
            )
            key, erased = self._load(subject_id)
        if key is not None:
            self._cache[subject_id] = (key, time.monotonic())
        return key

    def erase(self, subject_id: uuid.UUID) -> None:
        """Destroys the subject's key for good (the row stays, to refuse new data).

        On PostgreSQL the same statement notifies :attr:`erasure_channel`, so the running
        processes of the service drop their copies at once (``ServiceApplication.forget_erased``,
        called by the relay's listener) instead of after ``CACHE_TTL_S``.
        """
        erased_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        upsert = (
            "INSERT INTO {schema}personal_data_keys (subject_id, wrapped_key, erased_at)"
            " VALUES (%s, NULL, %s) ON CONFLICT (subject_id)"
            " DO UPDATE SET wrapped_key = NULL, erased_at = %s"
        )
        params: tuple[str, ...] = (str(subject_id), erased_at, erased_at)
        if self.erasure_channel:
            upsert = (
                f"WITH erased AS ({upsert} RETURNING subject_id)"
                " SELECT pg_notify(%s, subject_id) FROM erased"
            )
            params = (*params, self.erasure_channel)
        self.sql.execute(upsert, params)
        self.forget(subject_id)

    @property
    def erasure_channel(self) -> str | None:
        """The PostgreSQL channel erasures are announced on (one per store), None on SQLite."""
        if not self.sql.is_postgres:
            return None
        return f"{self.sql.datastore.schema}_personal_data_erased"[:63]

    def forget(self, subject_id: uuid.UUID) -> None:
        """Drops the cached key of a subject (erased, here or by another process)."""
        self._cache.pop(subject_id, None)

    def is_erased(self, subject_id: uuid.UUID) -> bool:
        # erased_at only: a role that may not read keys (the retention job's) can ask
        rows = self.sql.execute(
            "SELECT erased_at FROM {schema}personal_data_keys WHERE subject_id = %s",
            (str(subject_id),),
        )
        return bool(rows and rows[0][0])

    def _load(self, subject_id: uuid.UUID) -> tuple[bytes | None, bool]:
        rows = self.sql.execute(
            "SELECT wrapped_key, erased_at FROM {schema}personal_data_keys WHERE subject_id = %s",
            (str(subject_id),),
        )
        if not rows:
            return None, False
        wrapped, erased_at = rows[0]
        if wrapped is None:
            return None, bool(erased_at)
        wrapped = bytes(wrapped)
        return self._master.decrypt(wrapped[:12], wrapped[12:], subject_id.bytes), False

    def _wrap(self, subject_id: uuid.UUID, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._master.encrypt(nonce, key, subject_id.bytes)


class PersonalDataAsCiphertext(Transcoding):
    """eventsourcing transcoding: PersonalData <-> {"s": subject, "c": nonce+ciphertext}."""

    type = PersonalData
    name = "personal_data"

    def __init__(self, vault: KeyVault):
        self.vault = vault

    def encode(self, obj: PersonalData) -> dict[str, str]:
        key = None if obj.erased else self._key(obj.subject_id, obj.bucket, create=True)
        encoded = {"s": obj.subject_id.hex, "c": ""}
        if obj.bucket is not None:
            encoded["b"] = obj.bucket.hex
        if key is None:  # erased subject or expired bucket: the value is not kept at all
            return encoded
        nonce = os.urandom(12)
        plaintext = json.dumps(obj.value, separators=(",", ":")).encode()
        sealed = nonce + AESGCM(key).encrypt(nonce, plaintext, obj.subject_id.bytes)
        return {**encoded, "c": base64.b64encode(sealed).decode()}

    def decode(self, data: dict[str, str]) -> PersonalData:
        subject_id = uuid.UUID(hex=data["s"])
        bucket = uuid.UUID(hex=data["b"]) if data.get("b") else None
        key = self._key(subject_id, bucket, create=False) if data["c"] else None
        if key is None:
            return PersonalData.erased_for(subject_id, bucket)
        sealed = base64.b64decode(data["c"])
        plaintext = AESGCM(key).decrypt(sealed[:12], sealed[12:], subject_id.bytes)
        return PersonalData(subject_id, json.loads(plaintext), bucket=bucket)

    def _key(
        self, subject_id: uuid.UUID, bucket: uuid.UUID | None, *, create: bool
    ) -> bytes | None:
        """The subject's key, or with a bucket the key derived from both (None: one is gone)."""
        key = self.vault.key_for(subject_id, create=create)
        if key is None or bucket is None:
            return key
        bucket_key = self.vault.key_for(bucket, create=create)
        if bucket_key is None:
            return None
        derive = HKDF(hashes.SHA256(), 32, salt=bucket.bytes, info=b"retention-bucket")
        return derive.derive(key + bucket_key)
