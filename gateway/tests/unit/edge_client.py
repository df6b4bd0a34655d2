"""The portal and the API as an outsider reaches them, without the services: an application on
test settings, its test client, a form's CSRF token, and a browser's reading of ``Location``."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask

from gateway.app import create_app
from gateway.oidc.keys import new_key_set
from gateway.settings import GatewaySettings

ORIGIN = "https://mon-compte.example.org"
API_SECRET = "s3cr3t-" + "x" * 40
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_BROWSER_STRIPPED = re.compile(r"[\t\n\r]")


def edge_app(tmp_path: Path, **settings: str) -> Flask:
    mapping = {
        "ENVIRONMENT": "test",
        "SECRET_KEY": "a" * 44,
        "DATA_DIR": str(tmp_path),
        "PUBLIC_URL": ORIGIN,
        "API_CLIENTS": json.dumps(
            {"appli": {"secret_sha256": hashlib.sha256(API_SECRET.encode()).hexdigest()}}
        ),
        "OIDC_SIGNING_KEYS": json.dumps(new_key_set()),
        **settings,
    }
    return create_app(GatewaySettings.from_mapping(mapping, "gateway"))


def csrf_token(client: Any, page: str = "/connexion") -> str:
    """The token of the forms of ``page`` (the contrast form is on every page)."""
    found = _CSRF.search(client.get(page, base_url=ORIGIN).get_data(as_text=True))
    assert found, "no form on " + page
    return found.group(1)


def bearer(client: Any) -> dict[str, str]:
    basic = base64.b64encode(f"appli:{API_SECRET}".encode()).decode()
    answer = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + basic},
        base_url=ORIGIN,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {"Authorization": "Bearer " + answer.json["access_token"]}


def followed_by_a_browser(location: str, base: str = ORIGIN + "/connexion") -> str:
    """Where a browser goes for this ``Location`` (WHATWG URL parsing of an http(s) URL: C0
    controls and spaces trimmed, tabs and newlines removed, ``\\`` read as ``/``)."""
    cleaned = _BROWSER_STRIPPED.sub("", location.strip("".join(map(chr, range(0x21)))))
    return urljoin(base, cleaned.replace("\\", "/"))


def same_origin(url: str) -> bool:
    parts, ours = urlsplit(url), urlsplit(ORIGIN)
    return (parts.scheme, parts.netloc) == (ours.scheme, ours.netloc)


def text_of(answer: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.get_data(as_text=True)))
