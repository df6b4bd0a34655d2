"""The portal's HTTP server (eventlet's WSGI server) and its graceful stop.

On SIGTERM (Kubernetes at each rollout, after the pod's preStop pause; ``podman stop``) or SIGINT
(Ctrl-C), the portal stops accepting connections (the listening socket is closed: a new
connection is refused at once rather than left waiting), lets the requests in progress finish
for at most :data:`STOP_GRACE_SECONDS`, then returns: the pod stops in seconds, well within its
termination grace period (30 s), with no answer cut short. A process that sets no handler
ignores SIGTERM when it runs as process 1 of a container, so this one is always set.

The signal handler only records the signal: the serving greenthread looks every
:data:`_POLL_SECONDS` (a handler run inside eventlet's hub cannot switch greenthreads).
"""

from __future__ import annotations

import logging
import signal
from typing import Any

import eventlet
import eventlet.greenpool
import eventlet.wsgi

log = logging.getLogger("gateway")

#: What the requests in progress get after SIGTERM to finish; a connection kept alive without a
#: request is not waited for beyond it. Under the 5 s the image check allows.
STOP_GRACE_SECONDS = 3.0
_POLL_SECONDS = 0.1
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def serve(
    listener: Any,
    app: Any,
    *,
    protocol: Any = eventlet.wsgi.HttpProtocol,
    max_connections: int = 1000,
    grace: float = STOP_GRACE_SECONDS,
) -> int:
    """Serves ``app`` on ``listener`` until SIGTERM or SIGINT; returns the signal's number once
    the requests in progress have finished (or ``grace`` seconds have passed)."""
    received: list[int] = []

    def record(signum: int, frame: Any) -> None:
        received.append(signum)

    for each in STOP_SIGNALS:
        signal.signal(each, record)
    pool = eventlet.greenpool.GreenPool(max_connections)
    # No access log: URLs of some journeys carry a benefit-request code, and volume is high.
    server = eventlet.spawn(
        eventlet.wsgi.server,
        listener,
        app,
        custom_pool=pool,
        log_output=False,
        protocol=protocol,
    )
    while not received and not server.dead:
        eventlet.sleep(_POLL_SECONDS)
    if not received:  # the server stopped by itself: its error is the answer
        server.wait()
        raise RuntimeError("the HTTP server stopped")
    in_progress = pool.running()
    log.info("stopping (signal %s): %d connection(s) in progress", received[0], in_progress)
    server.kill()  # accepts no more
    listener.close()  # a new connection is refused rather than queued
    with eventlet.Timeout(grace, False):
        pool.waitall()
    if pool.running():
        log.warning("stopped with %d connection(s) still open after %ss", pool.running(), grace)
    else:
        log.info("stopped")
    return received[0]
