"""A TCP fault proxy on loopback: what a test puts between a process and what it reaches
(RabbitMQ, PostgreSQL, SMTP, the SMS gateway) to cut, delay, drop or slice its traffic.

The proxy runs in a subprocess of its own (an asyncio loop; the test process is patched by
eventlet). One subprocess serves any number of listeners, each forwarding to one upstream and
taking its own commands; every command returns once the subprocess has applied it.

>>> proxies = FaultProxies()                                           # doctest: +SKIP
>>> broker = proxies.listen("rabbitmq", "127.0.0.1", 5672)            # a free loopback port
>>> config["AMQP_URI"] = f"amqp://guest:guest@127.0.0.1:{broker.port}/vhost"
>>> broker.cut()                # refuse new connections and reset the open ones
>>> broker.cut("blackhole")     # accept, pass nothing, hold the open ones (a partition)
>>> broker.delay(0.2)           # every chunk arrives 200 ms late (latency, not bandwidth)
>>> broker.drop(0.05)           # 5 % of new connections reset at once
>>> broker.slice(7)             # writes split into 7-byte segments
>>> broker.heal()               # all of it undone; held bytes go on, held connections proceed
>>> proxies.close()

A blackhole stalls, as a partition does to TCP: nothing read, nothing written, both ends see
silence (and give up on their own heartbeats or timeouts). At heal what was held flows on, as
retransmissions would deliver it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

CHUNK = 65536
MODES = ("pass", "reset", "blackhole")
COUNTS = ("accepted", "refused", "dropped", "reset", "held", "segments")


# --- the subprocess: asyncio ------------------------------------------------------------------


@dataclass
class _Faults:
    mode: str = "pass"
    delay_s: float = 0.0
    drop_share: float = 0.0
    drop_every_s: float = 0.0
    slice_bytes: int = 0


@dataclass(eq=False)
class _Connection:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def reset(self) -> None:
        for writer in (self.client, self.upstream):
            if writer is not None:
                _reset(writer)
        for task in self.tasks:
            task.cancel()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Closes with an RST (SO_LINGER 0), as a cut cable seen by a firewall's reject does."""
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class _Listener:
    def __init__(self, name: str, upstream: tuple[str, int], seed: int) -> None:
        self.name = name
        self.upstream = upstream
        self.faults = _Faults()
        self.random = random.Random(seed)
        self.connections: set[_Connection] = set()
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.counts = dict.fromkeys(COUNTS, 0)
        self.server: asyncio.base_events.Server | None = None
        self.dropping: asyncio.Task[None] | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # the proxy stops: nothing to say
            await self._forward(reader, writer)

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        faults = self.faults
        if faults.mode == "reset":
            self.counts["refused"] += 1
            _reset(writer)
            return
        if faults.drop_share and self.random.random() < faults.drop_share:
            self.counts["dropped"] += 1
            _reset(writer)
            return
        connection = _Connection(writer)
        self.connections.add(connection)
        try:
            if not self.flowing.is_set():
                self.counts["held"] += 1
                await self.flowing.wait()  # accepted, and nothing until the network heals
                if connection not in self.connections:  # reset meanwhile
                    return
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            except OSError:
                self.counts["refused"] += 1
                _reset(writer)
                return
            connection.upstream = up_writer
            self.counts["accepted"] += 1
            for sock_writer in (writer, up_writer):
                with contextlib.suppress(OSError, AttributeError):
                    sock_writer.get_extra_info("socket").setsockopt(
                        socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
                    )
            connection.tasks = [
                asyncio.ensure_future(self._pipe(reader, up_writer, connection)),
                asyncio.ensure_future(self._pipe(up_reader, writer, connection)),
            ]
            await asyncio.gather(*connection.tasks, return_exceptions=True)
        finally:
            self.connections.discard(connection)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: _Connection
    ) -> None:
        """Reads chunks and writes them on, each ``delay_s`` after it was read (a queue keeps
        the order and the throughput: latency, not bandwidth), in ``slice_bytes`` pieces."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def read() -> None:
            while True:
                await self.flowing.wait()
                data = await reader.read(CHUNK)
                if not data:
                    await queue.put((0.0, b""))
                    return
                await queue.put((loop.time() + self.faults.delay_s, data))

        reading = asyncio.ensure_future(read())
        try:
            while True:
                due, data = await queue.get()
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                await self.flowing.wait()
                size = self.faults.slice_bytes or len(data)
                for start in range(0, len(data), size):
                    writer.write(data[start : start + size])
                    self.counts["segments"] += 1
                    await writer.drain()
        except (OSError, ConnectionError):
            connection.reset()
        finally:
            reading.cancel()

    async def _drop_open(self) -> None:
        """Every ``drop_every_s``, each open connection is reset with ``drop_share`` odds."""
        while self.faults.drop_every_s:
            await asyncio.sleep(self.faults.drop_every_s)
            for connection in list(self.connections):
                if (
                    connection.upstream is not None
                    and self.random.random() < self.faults.drop_share
                ):
                    self.counts["dropped"] += 1
                    self.connections.discard(connection)
                    connection.reset()
        self.dropping = None

    def apply(self, command: dict[str, Any]) -> dict[str, Any]:
        action = command["cmd"]
        if action == "cut":
            mode = command.get("mode", "reset")
            if mode not in MODES[1:]:
                raise ValueError(f"unknown cut mode {mode!r}")
            self.faults.mode = mode
            if mode == "reset":
                self.flowing.set()
                for connection in list(self.connections):
                    self.counts["reset"] += 1
                    connection.reset()
                self.connections.clear()
            else:
                self.flowing.clear()
        elif action == "delay":
            self.faults.delay_s = float(command["seconds"])
        elif action == "drop":
            self.faults.drop_share = float(command["share"])
            self.faults.drop_every_s = float(command.get("every_s") or 0)
            if self.faults.drop_every_s and self.dropping is None:
                self.dropping = asyncio.ensure_future(self._drop_open())
        elif action == "slice":
            self.faults.slice_bytes = int(command["size"])
        elif action == "heal":
            self.faults = _Faults()
            self.flowing.set()
        elif action == "reset_open":
            for connection in list(self.connections):
                self.counts["reset"] += 1
                connection.reset()
            self.connections.clear()
        elif action != "stats":
            raise ValueError(f"unknown command {action!r}")
        return {**self.counts, "open": len(self.connections)}


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    listeners: dict[str, _Listener] = {}
    while line := await reader.readline():
        command = json.loads(line)
        try:
            if command["cmd"] == "listen":
                listener = _Listener(
                    command["name"], tuple(command["upstream"]), command.get("seed", 0)
                )
                listeners[listener.name] = listener
                answer: dict[str, Any] = {"port": await listener.start()}
            else:
                answer = listeners[command["name"]].apply(command)
        except Exception as error:  # told to the caller, who raises it
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


# --- the test's side ---------------------------------------------------------------------------


class FaultProxies:
    """The proxy subprocess; :meth:`listen` opens one listener in front of an upstream."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "shared.testing.fault_proxy"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._lock = threading.Lock()
        self.listeners: dict[str, FaultProxy] = {}

    def listen(self, name: str, host: str, port: int, seed: int | None = None) -> FaultProxy:
        """A listener named ``name`` (its random draws seeded by ``seed``, else by its name)."""
        if seed is None:
            seed = int.from_bytes(name.encode()[-8:], "big")
        upstream = [host, port]
        answer = self.command({"cmd": "listen", "name": name, "upstream": upstream, "seed": seed})
        proxy = FaultProxy(self, name, int(answer["port"]), (host, port))
        self.listeners[name] = proxy
        return proxy

    def command(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            self._process.stdin.write(json.dumps(command) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the fault proxy exited")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise ValueError(answer["error"])
        return answer

    def heal_all(self) -> None:
        for proxy in self.listeners.values():
            proxy.heal()

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> FaultProxies:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class FaultProxy:
    """One listener: ``port`` on 127.0.0.1 forwards to ``upstream`` unless told otherwise."""

    proxies: FaultProxies
    name: str
    port: int
    upstream: tuple[str, int]

    def _do(self, cmd: str, **arguments: Any) -> dict[str, Any]:
        return self.proxies.command({"cmd": cmd, "name": self.name, **arguments})

    def cut(self, mode: str = "reset") -> None:
        """``reset``: refuse new connections and reset the open ones; ``blackhole``: accept
        new ones and pass nothing, either way, on any connection, until :meth:`heal`."""
        self._do("cut", mode=mode)

    def delay(self, seconds: float) -> None:
        """Every chunk is passed on ``seconds`` after it was read, in both directions."""
        self._do("delay", seconds=seconds)

    def drop(self, share: float, every_s: float | None = None) -> None:
        """That share of new connections is reset as soon as accepted; with ``every_s``, also
        each open connection, with those odds, every ``every_s`` (seeded: repeatable)."""
        self._do("drop", share=share, every_s=every_s)

    def slice(self, size: int) -> None:
        """Writes are split into ``size``-byte segments (parsers meet partial frames)."""
        self._do("slice", size=size)

    def reset_open(self) -> None:
        """Resets every open connection once (new ones pass)."""
        self._do("reset_open")

    def heal(self) -> None:
        self._do("heal")

    def stats(self) -> dict[str, int]:
        """Connections ``accepted``, ``refused``, ``dropped``, ``reset``, ``held``, ``open``;
        ``segments`` written."""
        return {k: int(v) for k, v in self._do("stats").items()}


if __name__ == "__main__":
    asyncio.run(_serve())
