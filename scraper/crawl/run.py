"""One crawl of the configured sources, in one process: the Python API behind `newsarchive crawl`.

There is one crawler per way of finding articles (feeds, sitemaps, sections,
urls, revisits), serving every source that uses it, or one per set of sources
whose crawl settings differ. All run in one Twisted reactor, sharing the
extraction pool, the archive writer, the per-site politeness and the set of URLs
claimed in this run.
"""

from __future__ import annotations

import gc
import logging
import signal
import sqlite3
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from archive.batch import close_writers
from archive.locks import LockBusy, crawling
from archive.queries import any_due_revisits
from archive.store import DiskReserve, acquire_shared, release_shared
from scraper.config import Config, Source
from scraper.crawl.configure import crawl_settings, page_budget
from scraper.crawl.logs import quiet_expected_faults
from scraper.crawl.pipelines import FATAL_WRITE_ERROR, count_unsettled_writes, crawl_counts
from scraper.crawl.pool import release_freed_memory, shutdown_pools, start_pool
from scraper.crawl.progress import CrawlProgress
from spiders import SPIDERS

logger = logging.getLogger(__name__)


@dataclass
class SourceReport:
    """What one crawl did for one source."""

    source: str
    status: str = "ok"
    counts: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None  # why the crawl had to stop (a fatal archive write error)


@dataclass
class CrawlReport:
    run: str
    sources: list[SourceReport]
    busy: dict[str, str] = field(default_factory=dict)  # sources skipped: crawled by another process (-> which)

    @property
    def ok(self) -> bool:
        return all(report.status == "ok" for report in self.sources)


def project_settings(log_level: str = "WARNING"):
    settings = get_project_settings()
    # Outside a checkout (an installed package run from elsewhere) scrapy.cfg is absent.
    if not settings.get("ITEM_PIPELINES"):
        settings.setmodule("scraper.crawl.settings", priority="project")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def run_crawl(
    config: Config,
    sources: list[Source],
    log_level: str = "WARNING",
    *,
    run: str | None = None,
    wait: float = 0.0,
    progress_every: float | None = None,
    refresh: bool = False,
) -> CrawlReport:
    """Crawl the sources once and record the run; returns the per-source report.

    Holds each source's lock for the whole crawl. Sources another process is
    crawling are skipped once ``wait`` seconds did not free them (the report's
    ``busy``); when all are, :class:`~archive.locks.LockBusy` is raised. SIGTERM
    or SIGINT stops the crawl gracefully: pages in flight are written whole, and
    the run is recorded as ``interrupted``; a second one stops it at once. With ``progress_every`` a progress line is shown.
    Archived articles whose revisit is due are fetched again (all of them with ``refresh``).
    A source whose listing settings changed since its last crawl (feeds, sitemaps, ``since``,
    ``follow``, ...) has its listings read in full, without conditional requests.

    Can run once per process: Twisted's reactor cannot be restarted (the
    scheduler runs each crawl in a child process for that reason).
    """
    run = run or uuid.uuid4().hex[:12]
    # Until Scrapy installs its own handlers, SIGTERM stops the crawl like Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # Each crawler's request queue waits on disk, for this run only: the archive, not the
    # queue, is what the next run starts from.
    with (
        crawling(config.archive_path, [source.name for source in sources], wait) as busy,
        tempfile.TemporaryDirectory(prefix="newsarchive-queues-") as queues,
    ):
        free = [source for source in sources if source.name not in busy]
        if not free:
            raise LockBusy("; ".join(f"source {name!r} is being crawled by {holder}" for name, holder in busy.items()))
        report = _crawl_locked(config, free, log_level, run, progress_every, refresh, Path(queues))
        report.busy = busy
        return report


def _crawl_locked(
    config: Config,
    sources: list[Source],
    log_level: str,
    run: str,
    progress_every: float | None,
    refresh: bool,
    queues: Path,
) -> CrawlReport:
    archive = acquire_shared(config.archive_path)  # first: an archive it cannot use stops the crawl before the pool starts
    reserve = DiskReserve(config.archive_path)
    release_freed_memory()
    start_pool(config.crawl.workers, page_budget(config.crawl))
    process = CrawlerProcess(project_settings(log_level))
    # Scrapy filters its per-page debug messages in the handler, after building each record;
    # below the level shown, do not build them at all.
    logging.getLogger("scrapy").setLevel(log_level)
    quiet_expected_faults()
    claimed: set[str] = set()
    crawl_ids: dict[str, int] = {}
    crawlers: list[tuple[Any, set[str]]] = []  # each crawler and the names of the sources it serves
    progress = None
    try:
        reserve.hold()
        try:
            read_in_full: set[str] = set()  # sources whose listing settings changed since their last crawl
            for source in sources:
                # With the source's lock held, a row still "running" is from a process that was killed.
                archive.interrupt_running(source=source.name)
                # None for a crawl that reads no listing (single URLs, `newsarchive add`): it leaves
                # the comparison to the crawls that do.
                fingerprint = source.listing_settings() if source.feeds or source.sitemaps or source.sections else None
                if fingerprint and archive.listing_settings_changed(source.name, fingerprint):
                    read_in_full.add(source.name)
                crawl_ids[source.name] = archive.start_crawl(source.name, run, fingerprint)
            # A crawler costs Scrapy some milliseconds to build: none for revisits when nothing is due.
            due = {s.name for s in sources if any_due_revisits(archive.db, s.name, config.revisit_steps(s), everything=refresh)}
            for number, (mode, group) in enumerate(crawler_groups(config, sources, due)):
                crawler = process.create_crawler(SPIDERS[mode])
                crawlers.append((crawler, {source.name for source in group}))
                process.crawl(
                    crawler,
                    sources=group,
                    config=config,
                    crawl_ids=crawl_ids,
                    claimed=claimed,
                    queue_dir=str(queues / f"{mode}-{number}"),
                    read_in_full=read_in_full,
                    **({"refresh": refresh} if mode == "revisits" else {}),
                )
            if progress_every is not None:
                progress = CrawlProgress([crawler for crawler, _ in crawlers], every=progress_every)
                progress.start()
            # The crawlers' objects live all run long: keep the collector from scanning them again and again.
            gc.freeze()
            process.start()
        except KeyboardInterrupt:  # stopped before any page was fetched: close the rows it opened
            for crawl_id in crawl_ids.values():
                archive.finish_crawl(crawl_id, {}, interrupted=True)
            return CrawlReport(run, [SourceReport(name, "interrupted") for name in crawl_ids])
        # A second signal stops the event loop with pages still queued: write them, then count them.
        close_writers()
        for crawler, _ in crawlers:
            count_unsettled_writes(crawler)
        reports = []
        for source in sources:
            serving = [crawler for crawler, names in crawlers if source.name in names]
            counts = _sum_counts(crawl_counts(c.stats.get_stats(), source.name) for c in serving)
            # A signal closes spiders with reason "shutdown"; a second one stops the reactor before they close.
            interrupted = any(c.stats.get_value("finish_reason") in (None, "shutdown") for c in serving)
            reason = next((r for c in serving if (r := c.stats.get_value(FATAL_WRITE_ERROR))), None)
            if reason:
                reserve.release()
            try:
                status = archive.finish_crawl(crawl_ids[source.name], counts, interrupted=interrupted, failed=bool(reason))
            except (sqlite3.Error, OSError) as exc:  # still no room: the next run marks the row interrupted
                logger.error("%s: the end of the crawl could not be recorded: %s", source.name, exc)
                status = "failed"
            reports.append(SourceReport(source.name, status, counts, reason))
        return CrawlReport(run, reports)
    finally:
        if progress is not None:
            progress.stop()
        close_writers()
        shutdown_pools()
        release_shared(config.archive_path)
        reserve.release()


def crawler_groups(config: Config, sources: list[Source], due: set[str]) -> list[tuple[str, list[Source]]]:
    """The crawlers a run needs, as (mode, sources): one per way of finding articles and per
    set of crawl settings, serving every source that uses both. Sources named in ``due`` are revisited."""
    groups: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources:
        settings = repr(sorted(crawl_settings(config, source).items()))
        for mode in [*source.modes(), *(["revisits"] if source.name in due else [])]:
            groups[(mode, settings)].append(source)
    return [(mode, group) for (mode, _), group in groups.items()]


def _sum_counts(parts: Any) -> dict[str, Any]:
    total: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    blocked: dict[str, None] = {}  # ordered, without repeats
    for part in parts:
        kinds.update(part.pop("error_kinds"))
        blocked.update(dict.fromkeys(part.pop("robots_blocked_urls")))
        total.update(part)
    return {**total, "error_kinds": dict(kinds), "robots_blocked_urls": list(blocked)}
