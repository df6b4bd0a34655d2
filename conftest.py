# eventlet must patch the standard library before anything else is imported (nameko 2.x).
import shared.runtime.bootstrap  # noqa: F401

# isort: split

from shared import service_registry

service_registry.make_importable()  # `import identity` and the others, as PYTHONPATH would

# Every test is marked with its layer: make test-unit / test-interface / test-integration / …;
# the journeys' platform (the four services, the channels' receivers) is a fixture anywhere.
pytest_plugins = [
    "shared.testing.layers",
    "shared.testing.journeys.fixtures",
    "shared.testing.browser",  # one Chromium for every browser test of the session
    "shared.testing.parallel",  # make test's processes: what stays together, what goes first
]
