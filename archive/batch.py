"""Archive writes from one thread, many pages per short transaction.

A crawl records a page for every response. Written on Scrapy's event loop, each
transaction (and the full-text indexing its triggers do) stalls fetching. Here
one thread owns a connection and commits the pages waiting for it together: under
load a transaction holds many pages, and the event loop only hands them over.
A page's future resolves once its transaction has committed, so an item counts as
done only when it is in the archive, as when each page was its own transaction.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from archive.store import Archive, SharedPerFile, fatal_write_error

# Pages committed together at most: transactions stay short for readers and other writers.
MAX_BATCH = 100

_Job = tuple[dict[str, Any], Future]


class BatchWriter:
    """Records pages (the keyword arguments of :meth:`Archive.record_page`) from its own thread."""

    def __init__(self, path: str | Path, max_batch: int = MAX_BATCH):
        self.path = Path(path)
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.fatal: BaseException | None = None  # the first write error no later write could survive
        opened: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, args=(opened,), name="archive-writer", daemon=True)
        self._thread.start()
        opened.result()  # an archive that cannot be opened fails here, in the caller

    def submit(self, page: dict[str, Any]) -> Future[str | None]:
        """Queue one page; the future gives what :meth:`Archive.record_page` returns.

        After a fatal write error (:func:`~archive.store.fatal_write_error`: disk full, I/O
        error) nothing more is written: every later page fails at once with that error.
        """
        future: Future[str | None] = Future()
        if self.fatal is not None:
            future.set_exception(self.fatal)
        else:
            self._jobs.put((page, future))
        return future

    def close(self) -> None:
        """Write what is queued, then stop the thread and close its connection."""
        self._jobs.put(None)
        self._thread.join()

    def _run(self, opened: Future[None]) -> None:
        try:
            archive = Archive(self.path)
        except BaseException as exc:  # handed to the constructor, in the caller's thread
            opened.set_exception(exc)
            return
        opened.set_result(None)
        try:
            while (batch := self._next_batch()) is not None:
                self._write(archive, batch)
        finally:
            archive.close()

    def _next_batch(self) -> list[_Job] | None:
        """The next job, and those queued behind it; None once closed and drained."""
        job = self._jobs.get()
        if job is None:
            return None
        batch = [job]
        while len(batch) < self.max_batch:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._jobs.put(None)  # close after this batch
                break
            batch.append(job)
        return batch

    def _write(self, archive: Archive, batch: list[_Job]) -> None:
        if self.fatal is not None:
            results: list[Any] = [self.fatal] * len(batch)
        else:
            try:
                results = archive.record_pages([page for page, _ in batch])
            except Exception as exc:  # the transaction as a whole failed: locked too long, disk full
                results = [exc] * len(batch)
        for (_, future), result in zip(batch, results):
            if isinstance(result, Exception):
                if self.fatal is None and fatal_write_error(result):
                    self.fatal = result
                future.set_exception(result)
            else:
                future.set_result(result)


_shared_writers: SharedPerFile[BatchWriter] = SharedPerFile(BatchWriter)


def acquire_writer(path: str | Path) -> BatchWriter:
    """The process's batch writer for this archive, started on first use."""
    return _shared_writers.acquire(path)


def release_writer(path: str | Path) -> None:
    """Give back a writer from :func:`acquire_writer`; the last user stops it."""
    _shared_writers.release(path)


def close_writers() -> None:
    """Write what is queued and stop every writer still running: a crawl stopped at once
    (a second Ctrl-C) never gives its writer back."""
    _shared_writers.close_all()
