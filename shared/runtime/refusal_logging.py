"""Expected refusals are not faults: one INFO line, no traceback.

nameko logs every exception a worker raises from ``nameko.containers``, with its traceback:
at ERROR, or at WARNING for the entrypoint's ``expected_exceptions``. A person's typo (every
:class:`InvalidInput`, down to a wrong captcha) is then indistinguishable from a fault. This
filter turns those records into ``<service>.<method> refused: <code> [<fields>]`` at INFO
(field names only, never values); anything else keeps its level and traceback.

>>> quiet_expected_refusals()   # idempotent; the platform's ``@rpc`` calls it in setup()
"""

from __future__ import annotations

import logging

from .rpc import InvalidInput

WORKER_LOGGER = "nameko.containers"


class ExpectedRefusalFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not isinstance(exc, InvalidInput):
            return True
        worker_ctx = record.args[0] if isinstance(record.args, tuple) and record.args else None
        entrypoint = getattr(worker_ctx, "entrypoint", None)
        method = getattr(entrypoint, "method_name", "?")
        service = getattr(worker_ctx, "service_name", "?")
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg, record.args = "%s.%s refused: %s", (service, method, exc)
        record.exc_info, record.exc_text = None, None
        return True


def quiet_expected_refusals() -> None:
    logger = logging.getLogger(WORKER_LOGGER)
    if not any(isinstance(f, ExpectedRefusalFilter) for f in logger.filters):
        logger.addFilter(ExpectedRefusalFilter())
