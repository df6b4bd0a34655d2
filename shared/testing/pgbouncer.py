"""A PgBouncer of one test, in transaction mode, in front of the test PostgreSQL.

Debian's ``pgbouncer`` (``scripts/infra-up.sh`` installs it). It refuses to run as root: when
the tests run as root, it runs as the ``postgres`` user, from a directory that user can read.

    with PgBouncer(upstream_port=5432) as bouncer:
        bouncer.url("caf_test")      # postgresql://postgres@127.0.0.1:<port>/caf_test
        bouncer.stats("caf_test")    # SHOW STATS of that database

With ``tls`` (a server certificate, tests/integration/test_tls_inside.py), it accepts TLS
clients only and verifies the upstream server's certificate and name (``verify-full``), as the
cluster's Pooler does (deploy/k8s/base/tls.yaml).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg

from .private_broker import free_port
from .test_ca import ServerFiles


def available() -> bool:
    return shutil.which("pgbouncer") is not None or Path("/usr/sbin/pgbouncer").exists()


class PgBouncer:
    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        user: str,
        pool_size: int = 2,
        tls: ServerFiles | None = None,
    ):
        self.port = free_port()
        self.user = user
        self.tls = tls
        self.dir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.dir.chmod(0o755)
        (self.dir / "users.txt").write_text(f'"{user}" ""\n')
        tls_settings = ""
        if tls is not None:
            for source in (tls.cert, tls.key, tls.ca_cert):
                shutil.copy(source, self.dir / f"tls-{source.name}")
            tls_settings = (
                "client_tls_sslmode = require\n"
                f"client_tls_cert_file = {self.dir}/tls-{tls.cert.name}\n"
                f"client_tls_key_file = {self.dir}/tls-{tls.key.name}\n"
                "server_tls_sslmode = verify-full\n"
                f"server_tls_ca_file = {self.dir}/tls-{tls.ca_cert.name}\n"
            )
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={upstream_host} port={upstream_port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir}/users.txt\nadmin_users = {user}\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
            "max_client_conn = 200\nignore_startup_parameters = extra_float_digits\n"
            f"logfile = {self.dir}/pgbouncer.log\npidfile = {self.dir}/pgbouncer.pid\n"
            + tls_settings
        )
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PgBouncer:
        command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"]
        if os.geteuid() == 0:
            for path in self.dir.iterdir():
                shutil.chown(path, "postgres")
            shutil.chown(self.dir, "postgres")
            command += ["-u", "postgres"]
        self.process = subprocess.Popen(
            [*command, str(self.dir / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                psycopg.connect(self._admin_url(), connect_timeout=1).close()
                return self
            except psycopg.Error:
                if time.monotonic() > deadline:
                    raise RuntimeError("pgbouncer did not start") from None
                time.sleep(0.1)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str, host: str = "127.0.0.1") -> str:
        return f"postgresql://{self.user}@{host}:{self.port}/{database}"

    def _admin_url(self) -> str:
        return self.url("pgbouncer") + ("?sslmode=require" if self.tls else "")

    def stats(self, database: str) -> dict[str, Any]:
        """``SHOW STATS`` of ``database`` (the admin console speaks the simple protocol)."""
        with psycopg.connect(
            self._admin_url(), autocommit=True, cursor_factory=psycopg.ClientCursor
        ) as conn:
            cursor = conn.execute("SHOW STATS")
            names = [column.name for column in cursor.description or []]
            for row in cursor.fetchall():
                found = dict(zip(names, row, strict=True))
                if found["database"] == database:
                    return found
        return {}
