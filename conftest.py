# eventlet must patch the standard library before anything else is imported (nameko 2.x).
import shared.runtime.bootstrap  # noqa: F401
