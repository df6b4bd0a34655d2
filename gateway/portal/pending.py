"""A journey's pending answers (état civil before the identity document step), kept sealed in
the session: the signed session cookie alone would let anyone holding the browser read them.

>>> keep("registration", {"birth_name": "Test"})                     # doctest: +SKIP
>>> pending("registration")["birth_name"]                            # doctest: +SKIP
'Test'
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import current_app, session

from .remembered import Seal

LIFETIME = timedelta(hours=1)


def _seal() -> Seal:
    return Seal(current_app.config["GATEWAY_SETTINGS"].secret_key, "pending forms", LIFETIME)


def keep(journey: str, values: dict[str, Any]) -> None:
    session[f"pending_{journey}"] = _seal().close(json.dumps(values))


def pending(journey: str) -> dict[str, Any]:
    opened = _seal().open(session.get(f"pending_{journey}"))
    return json.loads(opened) if opened else {}


def forget(journey: str) -> None:
    session.pop(f"pending_{journey}", None)
