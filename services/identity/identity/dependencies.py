"""The identity application as a nameko dependency, with hashing off the event loop.

argon2 takes tens of milliseconds of CPU on purpose; run in the green thread it would stall every
other request of the process. eventlet's thread pool runs it on a real thread (argon2-cffi
releases the GIL), so the service keeps answering while a hash is computed.
"""

from __future__ import annotations

from eventlet import tpool

from shared.runtime.dependencies import ApplicationDependency

from .application import IdentityApplication
from .settings import IdentitySettings


class IdentityApplicationDependency(ApplicationDependency):
    def __init__(self) -> None:
        super().__init__(IdentityApplication, IdentitySettings)

    def setup(self) -> None:
        super().setup()
        assert isinstance(self.application, IdentityApplication)
        self.application.hasher.offload_to(tpool.execute)
