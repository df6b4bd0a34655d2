"""A PostgreSQL server of one test (initdb in a temporary directory, a port of its own), with
TLS when given a server certificate: the machine's shared server is plain text and must not be
reconfigured.

    server = PrivatePostgres(tls=ca.issue(tmp_path / "pg-tls", ["localhost"]))
    server.start()
    server.url("postgres")   # postgresql://postgres@localhost:PORT/postgres
    server.stop()

initdb refuses to run as root: as root, the server runs as the ``postgres`` user, in a
directory of its own under the system's temporary directory (pytest's is closed to others);
``stop`` removes it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from .private_broker import free_port
from .test_ca import ServerFiles

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _binary(name: str) -> str:
    for directory in BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} (PostgreSQL server) is not installed")
    return found


def available() -> bool:
    try:
        _binary("initdb")
    except FileNotFoundError:
        return False
    return True


class PrivatePostgres:
    def __init__(self, tls: ServerFiles | None = None):
        self.base = Path(tempfile.mkdtemp(prefix="caf-test-pg-"))
        self.port = free_port()
        self.data = self.base / "data"
        self.tls = tls
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        subprocess.run(
            list(args), check=True, capture_output=True, user=self.user, timeout=60, cwd=self.base
        )

    def _own(self, path: Path) -> None:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self._own(self.base)
        self._run(
            _binary("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"port = {self.port}",
            f"unix_socket_directories = '{self.base}'",
            "fsync = off",
            "max_connections = 30",
        ]
        if self.tls is not None:
            for source in (self.tls.cert, self.tls.key):
                target = self.base / source.name
                shutil.copy(source, target)
                target.chmod(0o600)
                self._own(target)
            settings += [
                "ssl = on",
                f"ssl_cert_file = '{self.base / self.tls.cert.name}'",
                f"ssl_key_file = '{self.base / self.tls.key.name}'",
            ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        if self.tls is not None:  # TCP only over TLS, as CloudNativePG's pg_hba does
            (self.data / "pg_hba.conf").write_text(
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n"
            )
        self._run(
            _binary("pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"), "-w", "start"
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str, user: str = "postgres", host: str = "localhost") -> str:
        return f"postgresql://{user}@{host}:{self.port}/{database}"
