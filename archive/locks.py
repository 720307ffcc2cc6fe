"""Locks that keep two processes from writing the same part of one archive.

All of an archive's locks live in one file beside it, ``archive.db.locks``, as
POSIX byte-range locks (``fcntl``): byte 0 is held by the one scheduler of the
archive, and each source has a byte of its own, at an offset derived from a
stable hash of its name. The file stays empty and is the only one, however many
sources there are. The kernel drops a process's locks when it dies, however it
dies, so a crash never leaves a stale lock behind; it also says which process
holds a lock (``F_GETLK``), so messages can name it.

POSIX locks belong to a process, and closing any descriptor of the file drops
all of them: so each process opens the file once, shared by all its locks.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import struct
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from archive.store import ArchiveError, SharedPerFile

SCHEDULER_OFFSET = 0
# Source offsets are spread over 2**62 bytes past the scheduler's (never written: the file stays empty).
_SOURCE_OFFSETS = 2**62
# struct flock of 64-bit Linux: type, whence, start, length, pid (with the C compiler's padding).
_FLOCK = "hhqqi4x"


class LockBusy(Exception):
    """Another process holds the lock; the message says who and what to do."""


class _LockFile:
    """The archive's lock file, opened once per process."""

    def __init__(self, path: Path):
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise ArchiveError(f"{path}: cannot open the archive's lock file: {exc.strerror}") from None

    def close(self) -> None:
        os.close(self.fd)


_lock_files: SharedPerFile[_LockFile] = SharedPerFile(_LockFile)


def lock_file_path(archive: str | Path) -> Path:
    """The one file that holds all of an archive's locks."""
    return Path(f"{archive}.locks")


class RangeLock:
    """An exclusive lock on one byte of an archive's lock file."""

    def __init__(self, archive: str | Path, offset: int, busy: str):
        self.path = lock_file_path(archive)
        self.offset = offset
        self.busy = busy  # the LockBusy message; {holder} names the holding process
        self._file: _LockFile | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never waits."""
        file = _lock_files.acquire(self.path)
        try:
            fcntl.lockf(file.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, self.offset, os.SEEK_SET)
        except OSError:  # EAGAIN or EACCES: held by another process
            _lock_files.release(self.path)
            return False
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
            fcntl.lockf(self._file.fd, fcntl.LOCK_UN, 1, self.offset, os.SEEK_SET)
            _lock_files.release(self.path)
            self._file = None

    def holder_pid(self) -> int | None:
        """The pid of the process holding the lock; None when no other process holds it."""
        if self._file is not None or not self.path.exists():
            return None
        file = _lock_files.acquire(self.path)
        try:
            query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, self.offset, 1, 0)
            kind, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(file.fd, fcntl.F_GETLK, query))
        finally:
            _lock_files.release(self.path)
        return None if kind == fcntl.F_UNLCK else pid

    def is_held_elsewhere(self) -> bool:
        """Whether another process holds the lock right now."""
        return self.holder_pid() is not None

    def holder(self) -> str:
        pid = self.holder_pid()
        return f"process {pid}" if pid else "another process"


def source_offset(source: str) -> int:
    """The byte of the lock file that stands for this source: the same in every process and run."""
    digest = hashlib.blake2b(source.encode("utf-8"), digest_size=8).digest()
    return 1 + int.from_bytes(digest, "big") % _SOURCE_OFFSETS


def scheduler_lock(archive: str | Path) -> RangeLock:
    """The lock the one scheduler of an archive holds while it runs."""
    return RangeLock(archive, SCHEDULER_OFFSET, f"another `newsarchive schedule` ({{holder}}) is already running on {archive}")


def source_lock(archive: str | Path, source: str) -> RangeLock:
    """The lock held while a source of the archive is being crawled."""
    return RangeLock(archive, source_offset(source), f"source {source!r} is being crawled by {{holder}}")


@contextmanager
def crawling(archive: str | Path, sources: Iterable[str], wait: float = 0.0) -> Iterator[dict[str, str]]:
    """Hold the locks of the sources no other process is crawling; yields the busy ones (name -> holder).

    A busy source is tried again until ``wait`` seconds have passed. Locks are
    only ever tried, never waited on, so two crawls of overlapping sources cannot deadlock.
    """
    with ExitStack() as held:
        deadline = time.monotonic() + wait
        waiting = sorted(set(sources))
        while True:
            for name in list(waiting):
                lock = source_lock(archive, name)
                if lock.try_acquire():
                    held.callback(lock.release)
                    waiting.remove(name)
            if not waiting or time.monotonic() >= deadline:
                break
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        yield {name: source_lock(archive, name).holder() for name in waiting}
