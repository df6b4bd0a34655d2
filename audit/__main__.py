import signal
import sys
import warnings


def stop(signum: int, frame: object) -> None:
    """SIGTERM (Kubernetes stopping a Job's pod; ignored by default by a container's process 1)
    ends the command as Ctrl-C does: the transaction in progress is rolled back, the stores are
    closed (cli.main's ``finally``), and the exit status says which signal (128 + its number)."""
    print(f"stopped by signal {signum}: the work in progress is not committed", file=sys.stderr)
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, stop)  # from the first instant: imports take a second or two
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from .cli import main  # noqa: E402

sys.exit(main())
