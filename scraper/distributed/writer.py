"""`newsarchive writer`: the archive's one writer in distributed mode.

It takes the pages workers queued in Redis in batches into its processing
list, records each in the archive with the same function as the local crawl
(one transaction per page), and only then acknowledges the batch, settles the
run's pending and counts, publishes the newly seen URLs and the status each
closed crawls row was given (which the run's `newsarchive crawl` reports). A
writer killed mid-batch leaves its processing list behind; the next writer writes those pages
again first (writes are upserts, so nothing is doubled). A lock in Redis keeps
a second writer waiting while one runs. A write no later write can survive (a
full disk) stops the writer with :class:`ArchiveUnwritable`; the batch it held
stays in Redis for the next writer.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections import Counter, defaultdict
from typing import Any

from archive.store import Archive, fatal_write_error, utcnow
from scraper.config import Config
from scraper.crawl.items import PageItem
from scraper.crawl.pipelines import record_item
from scraper.distributed.frontier import REDIS_ERRORS, Frontier

logger = logging.getLogger(__name__)


class ArchiveUnwritable(Exception):
    """The archive refused a write for good (disk full, I/O error, read-only, corrupt): the writer stopped."""


class ArchiveWriter:
    """Drains the frontier's page queue into the archive until :attr:`stopping` is set."""

    def __init__(self, config: Config, batch: int = 100, frontier: Frontier | None = None):
        self.frontier = frontier or Frontier.from_config(config)
        self.archive_path = config.archive_path
        self.batch = batch
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self.crawl_ids: dict[tuple[str, str], int] = {}
        self.written = 0

    def run(self) -> int:
        """Write until stopped, riding out Redis outages; returns the number of pages written."""
        with Archive(self.archive_path) as archive:
            if not self.wait_for_lock():
                return 0
            logger.info("writer %s: writing %s", self.name, self.archive_path)
            last_report, reported = time.monotonic(), 0
            try:
                while not self.stopping.is_set():
                    try:
                        self.step(archive)
                    except REDIS_ERRORS as exc:
                        self.frontier.outage.failed(exc)
                        self.stopping.wait(1)
                    except Exception as exc:
                        kind = fatal_write_error(exc)
                        if kind is None:
                            raise
                        # Unacknowledged, the batch goes back to the queue once the writer's lease lapses.
                        raise ArchiveUnwritable(f"{kind}: {exc}") from None
                    else:
                        self.frontier.outage.ok()
                    if self.written != reported and time.monotonic() - last_report > 10:
                        logger.info("writer: %d pages written", self.written)
                        last_report, reported = time.monotonic(), self.written
            finally:
                try:
                    self.frontier.release_writer_lock(self.name)
                except REDIS_ERRORS:
                    pass  # it expires on its own
        logger.info("writer %s: stopped after %d pages", self.name, self.written)
        return self.written

    def wait_for_lock(self) -> bool:
        announced = False
        while not self.stopping.is_set():
            try:
                if self.frontier.hold_writer_lock(self.name):
                    return True
            except REDIS_ERRORS as exc:
                self.frontier.outage.failed(exc)
            if not announced:
                logger.warning("another `newsarchive writer` holds the archive; waiting until it stops")
                announced = True
            self.stopping.wait(1)
        return False

    def step(self, archive: Archive) -> None:
        """Write one batch and acknowledge it."""
        if not self.frontier.hold_writer_lock(self.name):
            logger.error("writer %s: lost the lock to another writer (stalled longer than the timeout)", self.name)
            self.wait_for_lock()
            return
        if not self.frontier.seen_ready():
            published = self.frontier.load_seen(archive.seen_urls())
            logger.info("writer: published %d archived URLs as the seen-state", published)
        entries = self.frontier.take_pages(self.batch, wait=1.0)
        pending: Counter[str] = Counter()
        counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        seen: dict[str, str] = {}
        statuses: dict[tuple[str, str], str] = {}  # (run, source) -> the status its crawls row was given
        for entry in entries:
            kind, run, fields = entry.kind, entry.run, entry.fields
            pending[run] += 1
            if kind == "finish":
                try:
                    crawl_id = self.crawl_id(archive, run, fields["source"])
                    # Anything but a true flag (a hostile entry's string included) is an ended crawl.
                    status = archive.finish_crawl(crawl_id, fields["counts"], interrupted=fields.get("interrupted") is True)
                except (ValueError, TypeError) as exc:  # as for pages, below
                    logger.error("writer: the crawl of %s in run %s not closed: %s", fields["source"], run, exc)
                    status = "failed"  # as a local crawl whose end could not be recorded
                if run:
                    statuses[(run, fields["source"])] = status
                continue
            item = PageItem(**fields)
            tally: Counter[str] = Counter()
            if run:
                item.crawl_id = self.crawl_id(archive, run, item.source)
                tally = counts[(run, item.source)]
            try:
                outcome = record_item(archive, item, lambda key, tally=tally: tally.update((key,)))
            except (ValueError, TypeError) as exc:  # data of the right shape that the archive still refuses
                logger.error("writer: %s not recorded: %s", item.url, exc)
                continue
            if outcome in ("article", "not_article"):
                seen[item.url] = utcnow()
            self.written += 1
        if entries:
            pending.pop(None, None)  # pages of no run are not awaited by anyone
            self.frontier.acknowledge_pages(pending, counts, seen, statuses)

    def crawl_id(self, archive: Archive, run: str, source: str) -> int:
        """The crawls row of a run's source, opened on its first page."""
        key = (run, source)
        if key not in self.crawl_ids:
            self.crawl_ids[key] = archive.crawl_of_run(run, source) or archive.start_crawl(source, run)
        return self.crawl_ids[key]


def run_writer(config: Config, batch: int = 100) -> int:
    """Write the frontier's pages into the archive until SIGINT or SIGTERM; returns pages written."""
    writer = ArchiveWriter(config, batch)
    writer.frontier.check()

    def stop(*_: Any) -> None:
        logger.info("writer: stopping after this batch")
        writer.stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return writer.run()
