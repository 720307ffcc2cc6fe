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


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Run redis-server (append-only file in ``folder``) until the block ends; yields its URL."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "yes"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not answer on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(10)


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
        return self.popen.wait(60)

    def kill(self) -> None:
        self.popen.kill()
        self.popen.wait(10)
