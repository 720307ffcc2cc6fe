"""Distributed mode for tests and benchmarks: a redis-server of our own, `newsarchive` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]

INSTALLED = shutil.which("redis-server") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """redis-server on a free loopback port, its append-only file in ``folder`` (so a
    restart keeps the data, as a production Redis with ``appendonly yes`` does); with
    ``password``, clients must authenticate (``requirepass``), and :attr:`url` leaves it out."""

    def __init__(self, folder: Path, password: str | None = None):
        self.folder = folder
        self.port = free_port()
        self.password = password
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, password=self.password)

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", *(["--requirepass", self.password] if self.password else [])],
            stdout=subprocess.DEVNULL,
        )
        client = self.client()
        for _ in range(200):
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis flushes its append-only file and exits
            self.process.wait(10)


@contextmanager
def redis_server(folder: Path, password: str | None = None) -> Iterator[RedisServer]:
    """A started :class:`RedisServer`, stopped when the block ends."""
    server = RedisServer(folder, password).start()
    try:
        yield server
    finally:
        server.stop()


class Process:
    """A `newsarchive` command running in the background, its output in a log file."""

    def __init__(self, folder: Path, name: str, *args: str):
        self.log_path = folder / f"{name}.log"
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "scraper", *args],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> int:
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(60)
        except subprocess.TimeoutExpired:
            self.popen.kill()  # a test that failed may leave it waiting for work that never comes
            raise

    def kill(self) -> None:
        self.popen.kill()
        self.popen.wait(10)


@contextmanager
def serving(folder: Path, log: Path) -> Iterator[str]:
    """`newsarchive serve` (real datasette) on the archive of the config in ``folder``, on a free
    loopback port, until the block ends; yields its base URL. Its stderr goes to ``log``."""
    import urllib.request

    import pytest

    port = free_port()
    repo = Path(__file__).resolve().parents[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "scraper", "serve", "--port", str(port)],
        cwd=folder, env={**os.environ, "PYTHONPATH": str(repo)},
        stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"newsarchive serve did not start: {log.read_text()}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
