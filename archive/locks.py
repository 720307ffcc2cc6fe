"""Locks that keep two processes from writing the same part of one archive.

OS file locks (``flock``) on small files next to the archive: the kernel drops
them when their process dies, however it dies, so a crash never leaves a stale
lock behind. ``archive.db.lock`` is held by the one scheduler of an archive;
``archive.db.<source>.lock`` by whichever process is crawling that source.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO


class LockBusy(Exception):
    """Another process holds the lock; the message says who and what to do."""


class FileLock:
    """An exclusive ``flock`` on one file, which records the holder's pid."""

    def __init__(self, path: str | Path, busy: str):
        self.path = Path(path)
        self.busy = busy  # the LockBusy message; {holder} names the holding process
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never waits."""
        file = open(self.path, "a+", encoding="utf-8")  # "a+": do not wipe the holder's pid
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        file.truncate(0)
        file.write(f"{os.getpid()}\n")
        file.flush()
        self._file = file
        return True

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting at most ``wait`` seconds; raises :class:`LockBusy`."""
        deadline = time.monotonic() + wait
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                raise LockBusy(self.busy.format(holder=self.holder()))
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def release(self) -> None:
        if self._file is not None:
            # The file stays: removing it would let two processes lock two different inodes.
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def is_held_elsewhere(self) -> bool:
        """Whether another process holds the lock right now."""
        if self._file is not None:
            return False
        if self.try_acquire():
            self.release()
            return False
        return True

    def holder(self) -> str:
        try:
            pid = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            pid = ""
        return f"process {pid}" if pid else "another process"


def scheduler_lock(archive: str | Path) -> FileLock:
    """The lock the one scheduler of an archive holds while it runs."""
    return FileLock(f"{archive}.lock", f"another `newsarchive schedule` ({{holder}}) is already running on {archive}")


def source_lock(archive: str | Path, source: str) -> FileLock:
    """The lock held while a source of the archive is being crawled."""
    return FileLock(f"{archive}.{source}.lock", f"source {source!r} is being crawled by {{holder}}")


@contextmanager
def crawling(archive: str | Path, sources: Iterable[str], wait: float = 0.0) -> Iterator[None]:
    """Hold the locks of all these sources, or raise :class:`LockBusy` naming the busy ones.

    Locks are taken in name order, so two crawls of overlapping sources cannot deadlock.
    """
    with ExitStack() as held:
        deadline = time.monotonic() + wait
        for name in sorted(set(sources)):
            lock = source_lock(archive, name)
            lock.acquire(max(0.0, deadline - time.monotonic()))
            held.callback(lock.release)
        yield
