"""Development secrets: generated once per checkout in DATA_DIR, never used elsewhere.

Only :meth:`ServiceSettings.with_development_secrets` calls this, and only when
``ENVIRONMENT=development``; every other environment must be given real secrets (the console's
development agents' provider, refused outside development and test, reads the console's client
secret too). The services share ``dev-secrets.json``; a process's own secret (the portal's or
the console's cookie key, the console's client secret) is a file of its own (:func:`kept`).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey

FILE_NAME = "dev-secrets.json"


def _generate() -> dict[str, Any]:
    seal_key = ECKey.generate_key("P-256", private=True)
    return {
        "pseudonym_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        "personal_data_master_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        "notification_private_jwk": seal_key.as_dict(private=True),
        "notification_public_jwk": seal_key.as_dict(private=False),
        "session_private_jwk": ECKey.generate_key("P-256", private=True).as_dict(private=True),
        "sms_gateway_token": secrets.token_urlsafe(32),
        # the gateway's authorization server (gateway/oidc/keys.py): current, next, retired
        "oidc_signing_keys": {"current": _kid_key(), "next": _kid_key(), "retired": []},
    }


def _kid_key() -> dict[str, Any]:
    key = ECKey.generate_key("P-256", private=True)
    key.ensure_kid()
    return dict(key.as_dict(private=True))


def _write(path: Path, secrets_by_name: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(secrets_by_name, out)
    os.replace(tmp, path)


def load_or_create(data_dir: Path) -> dict[str, Any]:
    """Returns the development secrets, decoded (bytes keys, dict JWKs)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILE_NAME
    with open(data_dir / (FILE_NAME + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            _write(path, _generate())
        raw = json.loads(path.read_text())
        if any(name not in raw for name in _generate()):  # a file from an older checkout
            raw = {**_generate(), **raw}
            _write(path, raw)
    return {
        **raw,
        "pseudonym_key": base64.b64decode(raw["pseudonym_key"]),
        "personal_data_master_key": base64.b64decode(raw["personal_data_master_key"]),
    }


def kept(data_dir: Path, file_name: str, make: Callable[[], bytes]) -> bytes:
    """The secret in ``DATA_DIR/file_name`` (owner-only), made by ``make`` the first time: one
    per checkout, so that it survives a restart; two processes starting together read the
    same one (the file appears whole, or not at all)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / file_name
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix=file_name, suffix=".tmp", dir=data_dir)  # owner-only
        with os.fdopen(fd, "wb") as out:
            out.write(make())
        try:
            os.link(tmp, path)  # refused if another process made it meanwhile: theirs is kept
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_bytes()


def cookie_key(file_name: str) -> Callable[[Path], bytes]:
    """A process's own key (32 random bytes) kept in ``DATA_DIR/file_name``."""
    return lambda data_dir: kept(data_dir, file_name, lambda: secrets.token_bytes(32))
