"""A local OpenID Connect provider shaped like FranceConnect v2 (identity's own test provider,
services/identity/tests/oidc_provider.py) in a process of its own, for the browser tests:

    python -m gateway.tests.browser.franceconnect_provider PORT '{"sub": "…", "given_name": …}'

and in the test's own process for the gateway's API tests (``load_oidc_provider()``).
"""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
import threading
from types import ModuleType

from shared.runtime.clock import Clock

from .stack import ROOT


def load_oidc_provider() -> ModuleType:
    """identity's test provider module, by its path (``services/identity/tests`` is no package
    another folder's tests can import)."""
    if "oidc_provider" in sys.modules:
        return sys.modules["oidc_provider"]
    path = ROOT / "services" / "identity" / "tests" / "oidc_provider.py"
    spec = importlib.util.spec_from_file_location("oidc_provider", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    provider = load_oidc_provider().OidcProvider(Clock(), port=int(sys.argv[1]))
    provider.person = json.loads(sys.argv[2])
    provider.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    provider.stop()


if __name__ == "__main__":
    main()
