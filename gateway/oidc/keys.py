"""The authorization server's one key set (ES256): it signs ID tokens and every access token
(the HTTP API's included), and ``/oauth2/jwks`` publishes it.

``OIDC_SIGNING_KEYS`` (a Secret; generated into ``var/dev-secrets.json`` in development) holds::

    {"current": {private EC P-256 JWK},        # signs
     "next": {private EC P-256 JWK},           # published, not used yet
     "retired": [{public JWK, "retired_at": 1767225600}, …]}   # published until its tokens end

Rotation without downtime (docs/operations.md): ``python -m gateway.oidc.keys rotate`` makes
``next`` current, the current key retired and a new ``next``; clients that cached the key set
already hold the key that now signs (it was published as ``next``), and tokens signed by the
retired key still verify until ``retired_at`` + the longest token lifetime, after which the next
rotation drops it.

>>> keys = SigningKeys.from_setting(new_key_set())
>>> [k["kid"] == keys.kid for k in keys.jwks()["keys"]]
[True, False]
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"
#: The longest lifetime of a token this key set signs (ID and access tokens: 15 minutes at most,
#: gateway/settings.py); a retired key is kept at least this long.
LONGEST_TOKEN_S = 900


def _new_key() -> dict[str, Any]:
    key = ECKey.generate_key("P-256", private=True)
    key.ensure_kid()
    return dict(key.as_dict(private=True))


def new_key_set() -> dict[str, Any]:
    """A first key set: a current and a next key, none retired."""
    return {"current": _new_key(), "next": _new_key(), "retired": []}


def rotate(keys: dict[str, Any], now: float, keep_s: int = LONGEST_TOKEN_S) -> dict[str, Any]:
    """The next key set: next becomes current, current retires (public part only), a new next;
    retired keys older than ``keep_s`` are dropped."""
    current = ECKey.import_key(keys["current"])
    current.ensure_kid()
    retired = [
        entry for entry in keys.get("retired", []) if now - int(entry["retired_at"]) < keep_s
    ]
    retired.append({**current.as_dict(private=False), "retired_at": int(now)})
    return {"current": keys["next"] or _new_key(), "next": _new_key(), "retired": retired}


def parse_signing_keys(raw: str) -> dict[str, Any] | None:
    """The ``OIDC_SIGNING_KEYS`` JSON, checked (``SigningKeys`` can load it)."""
    if not raw.strip():
        return None
    keys = json.loads(raw)
    if not isinstance(keys, dict) or not isinstance(keys.get("current"), dict):
        raise ValueError('expected {"current": {…}, "next": {…}, "retired": […]}')
    SigningKeys.from_setting(keys)
    return dict(keys)


class SigningKeys:
    def __init__(self, current: ECKey, published: list[ECKey]):
        self._current = current
        self._published = KeySet(published)  # type: ignore[arg-type]

    @classmethod
    def from_setting(cls, keys: dict[str, Any]) -> SigningKeys:
        current = ECKey.import_key(keys["current"])
        if not current.is_private or current.as_dict().get("crv") != "P-256":
            raise ValueError("current: a private EC P-256 key is expected")
        current.ensure_kid()
        published = [ECKey.import_key(current.as_dict(private=False))]
        others = ([keys["next"]] if keys.get("next") else []) + list(keys.get("retired", []))
        for jwk in others:
            key = ECKey.import_key({k: v for k, v in jwk.items() if k not in ("d", "retired_at")})
            key.ensure_kid()
            published.append(key)
        for key in published:
            key.ensure_kid()
        return cls(current, published)

    @property
    def kid(self) -> str:
        return str(self._current.kid)

    def jwks(self) -> dict[str, Any]:
        """The published keys (current, next, retired), public parts only."""
        return {
            "keys": [
                {**key.as_dict(private=False), "use": "sig", "alg": ALGORITHM}
                for key in self._published.keys
            ]
        }

    def sign(self, claims: dict[str, Any], typ: str = "JWT") -> str:
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": typ}
        return jwt.encode(header, claims, self._current, algorithms=[ALGORITHM])

    def verify(self, token: str, typ: str) -> dict[str, Any] | None:
        """The claims of a token one of the published keys signed, of type ``typ``; None for
        anything else (expiry and audience are the caller's checks)."""
        if not isinstance(token, str) or len(token) > 8192:
            return None
        try:
            decoded = jwt.decode(token, self._published, algorithms=[ALGORITHM])
        except (JoseError, ValueError, TypeError):
            return None
        if decoded.header.get("typ") != typ:
            return None
        return dict(decoded.claims)


def main(argv: list[str]) -> int:
    """``python -m gateway.oidc.keys new`` prints a first key set; ``… rotate [KEEP_S]`` reads
    the current set on standard input and prints the rotated one (docs/operations.md)."""
    if argv[:1] == ["new"]:
        print(json.dumps(new_key_set()))
        return 0
    if argv[:1] == ["rotate"]:
        keep = int(argv[1]) if len(argv) > 1 else LONGEST_TOKEN_S
        print(json.dumps(rotate(json.loads(sys.stdin.read()), time.time(), keep)))
        return 0
    print("usage: python -m gateway.oidc.keys new | rotate [KEEP_S] < current.json")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
