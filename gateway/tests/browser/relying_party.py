"""A relying party this project did not write (``openid-client``, npm, run by node from
tests/oidc_rp/) beside a gateway whose client registry holds it: the Caf connect browser tests'
one way of starting both, and of stopping them."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
import requests

from .stack import ROOT, Stack

RP = ROOT / "tests" / "oidc_rp"


@contextmanager
def running(
    stack: Stack,
    registry: Mapping[str, Any],
    script: str,
    arguments: list[str],
    port: int,
    env: Mapping[str, str] | None = None,
    backchannel: bool = False,
) -> Iterator[dict[str, Any]]:
    """``{"url": the RP's address, "issuer": the gateway's}`` while both run: node runs
    ``script`` with the issuer, then ``arguments``; the RP answers on ``port``. ``backchannel``:
    the back-channel logout sender runs too, with the gateway's registry and issuer."""
    if not (RP / "node_modules" / "openid-client").exists():
        pytest.fail("openid-client is missing: make portal-deps runs npm ci in tests/oidc_rp")
    issuer, gateway = stack.gateway(GATEWAY_API_CLIENTS=json.dumps(registry))
    sender = None
    if backchannel:
        sender = stack.backchannel(GATEWAY_API_CLIENTS=json.dumps(registry),
                                   GATEWAY_PUBLIC_URL=issuer)  # fmt: skip
    with open(stack.data_dir / f"relying-party-{script}.log", "wb") as log:
        node = subprocess.Popen(
            ["/usr/bin/node", str(RP / script), issuer, *arguments],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )  # fmt: skip
        rp = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(rp + "/", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        try:
            yield {"url": rp, "issuer": issuer}
        finally:
            node.terminate()
            node.wait(10)
            gateway.terminate()
            gateway.wait(15)
            if sender is not None:
                sender.terminate()
                sender.wait(15)
