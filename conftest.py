# eventlet must patch the standard library before anything else is imported (nameko 2.x).
import shared.runtime.bootstrap  # noqa: F401

# Every test is marked with its layer: make test-unit / test-interface / test-integration / …
pytest_plugins = ["shared.testing.layers"]
