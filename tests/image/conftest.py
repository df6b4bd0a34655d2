"""The built image's tests run only under ``make image-check`` (scripts/image-check.sh), which
builds the image and names it in IMAGE_UNDER_TEST; elsewhere they are skipped, saying so."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
from collections.abc import Iterator

import pytest

from gateway.oidc.keys import new_key_set
from shared.testing.secrets import generate

from .cluster import Podman


@pytest.fixture(scope="session")
def image() -> str:
    name = os.environ.get("IMAGE_UNDER_TEST", "")
    if not name or shutil.which("podman") is None:
        pytest.skip("the built image's checks run under make image-check (IMAGE_UNDER_TEST)")
    return name


@pytest.fixture
def podman(image: str) -> Iterator[Podman]:
    runner = Podman(image)
    runner.create_volume()
    yield runner
    runner.remove_volume()


@pytest.fixture(scope="session")
def cluster_secrets() -> dict[str, str]:
    """What the cluster's Secrets hold, generated for this run (deploy/k8s/secrets.example.yaml)."""
    return {
        **generate(),
        "GATEWAY_SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "GATEWAY_OIDC_SIGNING_KEYS": json.dumps(new_key_set()),  # python -m gateway.oidc.keys new
        "SMS_GATEWAY_TOKEN": secrets.token_urlsafe(24),
        "SMTP_PASSWORD": secrets.token_urlsafe(24),
    }
