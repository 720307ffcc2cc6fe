"""Item pipelines: extraction (in the worker pool), then the archive write.

Both are built with ``from_crawler`` and read their own settings. Counters go
to the crawler's stats under ``newsarchive/``; the crawl runner turns them into
the run summary and the ``crawls`` table.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.batch import acquire_writer, release_writer
from archive.store import CRAWL_COUNTS, Archive, acquire_shared, fatal_write_error, release_shared
from scraper.crawl.counts import Count, counter, source_prefix
from scraper.crawl.faults import count_fault
from scraper.crawl.items import PageItem
from scraper.crawl.middlewares import ROBOTS_BLOCKED_URLS
from scraper.crawl.pool import ExtractionFailed, PageBudget, get_pool, prepare_in_pool
from scraper.crawl.urls import article_key

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """Fill ``item.article`` from the body of an HTML article page, and pack the body,
    off the event loop."""

    def __init__(self, crawler: Crawler, workers: int | None, level: str, budget: PageBudget):
        self.crawler = crawler
        self.pool = get_pool(workers, budget)
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        settings = crawler.settings
        workers = settings.get("NEWSARCHIVE_EXTRACT_WORKERS")
        budget = PageBudget(settings.getfloat("NEWSARCHIVE_EXTRACT_TIMEOUT"), settings.getint("NEWSARCHIVE_EXTRACT_MEMORY"))
        return cls(crawler, None if workers is None else int(workers), settings.get("NEWSARCHIVE_EXTRACT_LEVEL"), budget)

    async def process_item(self, item: PageItem) -> PageItem:
        if not item.html or item.error or not isinstance(item.body, bytes):
            return item
        try:
            item.article, item.body, item.why_not_article = await prepare_in_pool(
                self.pool, item.body, item.headers.get("Content-Type"), item.url, item.hints, self.level
            )
        except ExtractionFailed as exc:  # over its budget, or its worker died: the page is recorded, the crawl goes on
            logger.warning("%s: %s failed: %s (%s)", item.source, item.url, exc.kind, exc)
            item.error = exc.kind
        except Exception as exc:  # one bad page must not stop the crawl
            logger.warning("%s: %s failed: extraction_failed (%r)", item.source, item.url, exc)
            item.error = "extraction_failed"
        return item


class ArchivePipeline:
    """Record every page, and upsert every article, in the SQLite archive.

    The writes go through the process's :class:`~archive.batch.BatchWriter`, off the
    event loop; an item is done once its page is committed.
    """

    def __init__(self, crawler: Crawler, path: Path):
        self.crawler = crawler
        self.path = path
        self.archive = acquire_shared(path)  # for this crawler's own crawls row
        self.writer = acquire_writer(path)
        self.own_crawl_ids: dict[str, int] = {}
        self.closing: asyncio.Future | None = None  # the engine closing the spider after a fatal write error
        self.unsettled: dict[Future, Count] = {}  # pages handed to the writer whose outcome is not counted yet
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        path = crawler.settings.get("NEWSARCHIVE_ARCHIVE")
        if not path:
            raise NotConfigured("NEWSARCHIVE_ARCHIVE is not set")
        return cls(crawler, Path(path))

    def spider_opened(self, spider: Any) -> None:
        # Runs started by `newsarchive crawl` bring their crawl ids; a bare
        # `scrapy crawl` gets its own rows here.
        for source, crawl_id in spider.crawl_ids.items():
            if crawl_id is None:
                self.own_crawl_ids[source] = spider.crawl_ids[source] = self.archive.start_crawl(source)

    def spider_closed(self, spider: Any) -> None:
        failed = self.crawler.stats.get_value(FATAL_WRITE_ERROR) is not None
        for source, crawl_id in self.own_crawl_ids.items():
            try:
                self.archive.finish_crawl(crawl_id, crawl_counts(self.crawler.stats.get_stats(), source), failed=failed)
            except (sqlite3.Error, OSError) as exc:
                logger.error("%s: the end of the crawl could not be recorded: %s", source, exc)
        release_writer(self.path)
        release_shared(self.path)

    async def process_item(self, item: PageItem) -> PageItem:
        count = counter(self.crawler.stats, item.source)
        outcome = count_outcome(item, count)
        write = self.writer.submit(page_record(item, outcome))
        self.unsettled[write] = count
        # Counted and forgotten in the same step; never in a `finally`, which a coroutine closed
        # unfinished would run, losing the count of a page the writer still commits.
        try:
            stored = await asyncio.wrap_future(write)
        except Exception as exc:  # logged here by URL: Scrapy's own log line would hold the whole page
            del self.unsettled[write]
            self.write_failed(item, exc, count)
        else:
            del self.unsettled[write]
            count_stored(stored, count)
        item.body = None
        return item

    def count_unsettled(self) -> None:
        """Count the writes the crawl never saw finish: a second signal stops the event loop with
        pages still queued, which :func:`~archive.batch.close_writers` then commits. Call it once
        the writers are closed, so that the counts say what the archive holds."""
        for write, count in self.unsettled.items():
            if not write.done() or write.cancelled():  # never written, or its outcome was given up
                continue
            if (exc := write.exception()) is None:
                count_stored(write.result(), count)
            else:
                count_write_failure(exc, count)
        self.unsettled.clear()

    def write_failed(self, item: PageItem, exc: Exception, count: Callable[[str], Any]) -> None:
        """Count a page the archive did not take; after a fatal error (disk full), stop the crawl."""
        kind = count_write_failure(exc, count)
        if kind is None:
            logger.warning("%s: %s not recorded: %s", item.source, item.url, exc)
            return
        stats = self.crawler.stats
        if stats.get_value(FATAL_WRITE_ERROR) is None:
            stats.set_value(FATAL_WRITE_ERROR, f"{kind}: {exc}")
            logger.error("%s: %s not recorded: %s (%s); stopping the crawl", item.source, item.url, kind, exc)
            # Not awaited: the engine waits for this very item before it closes.
            self.closing = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=ARCHIVE_FAILED))
        else:
            logger.info("%s: %s not recorded: %s", item.source, item.url, kind)


def count_write_failure(exc: BaseException, count: Callable[[str], Any]) -> str | None:
    """Count a write the archive refused under its kind; returns the kind of a fatal error (disk full), else None."""
    kind = fatal_write_error(exc)
    count_fault(count, kind or "write_failed")
    return kind


def count_unsettled_writes(crawler: Crawler) -> None:
    """After the writers are closed, count the pages the crawler's archive pipeline handed them
    and never saw written (see :meth:`ArchivePipeline.count_unsettled`)."""
    try:
        pipeline = crawler.get_item_pipeline(ArchivePipeline)
    except RuntimeError:  # stopped before its engine was built: it handed over nothing
        return
    if pipeline is not None:
        pipeline.count_unsettled()


# The finish reason of a crawl stopped by a fatal archive write error, and the stats key of that error.
ARCHIVE_FAILED = "archive_failed"
FATAL_WRITE_ERROR = "newsarchive/fatal_write_error"


# What a page needs to be recorded: the PageItem fields record_item reads. This is
# also what travels through Redis from the workers to `newsarchive writer`.
RECORD_FIELDS = (
    "url", "source", "kind", "status", "crawl_id", "headers", "body", "error", "article", "redirected_from",
    "fetched_url", "why_not_article",
)  # fmt: skip


def record_fields(item: PageItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in RECORD_FIELDS}


def page_outcome(item: PageItem) -> str:
    """What the page turned out to be: article, not_article, listing, not_modified or error."""
    if item.error:
        return "error"
    if item.status == 304:
        return "not_modified"
    if item.kind != "article":
        return "listing"
    return "article" if item.article else "not_article"


def record_item(archive: Archive, item: PageItem, count: Callable[[str], Any]) -> str:
    """Record one page (and its article) in one transaction, counting what happened
    under ``newsarchive/`` keys; returns the page's outcome."""
    outcome = count_outcome(item, count)
    count_stored(archive.record_page(**page_record(item, outcome)), count)
    return outcome


def count_outcome(item: PageItem, count: Callable[[str], Any]) -> str:
    """Count what the page turned out to be; returns its outcome."""
    outcome = page_outcome(item)
    if outcome == "error":
        count_fault(count, item.error)
    elif outcome == "not_article":
        count("newsarchive/not_articles")
    elif outcome == "not_modified":
        count("newsarchive/not_modified")
    if item.status:
        count("newsarchive/pages")
    return outcome


def count_stored(result: str | None, count: Callable[[str], Any]) -> None:
    """Count what storing the article did: new, updated or unchanged, and a canonical URL
    naming another source's article (listed with the run's error kinds, not an error)."""
    if result:
        stored, _, conflict = result.partition("+")
        count(f"newsarchive/{stored}")
        if conflict:
            count(f"newsarchive/error_kinds/{conflict}")


def page_record(item: PageItem, outcome: str) -> dict[str, Any]:
    """The keyword arguments of :meth:`Archive.record_page` for this page."""
    article = item.article if outcome == "article" else None
    return dict(
        url=item.url,
        source=item.source,
        kind=item.kind,
        outcome=outcome,
        status=item.status,
        crawl_id=item.crawl_id,
        body=item.body if item.status else None,
        headers=item.headers,
        error=item.error,
        article=article,
        article_url=article_key(item.url, article.get("canonical_url")) if article else None,
        redirected_from=item.redirected_from,
        fetched_url=item.fetched_url,
        why_not_article=item.why_not_article if outcome == "not_article" else None,
    )


def crawl_counts(stats: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """The run summary's numbers for one source (``None``: all of them) from a crawler's stats."""
    prefix = source_prefix(source)
    kinds = f"{prefix}error_kinds/"
    counts = {key: stats.get(prefix + key, 0) for key in CRAWL_COUNTS}
    counts["error_kinds"] = {key[len(kinds) :]: value for key, value in stats.items() if key.startswith(kinds)}
    counts["robots_blocked_urls"] = list(stats.get(prefix + ROBOTS_BLOCKED_URLS, []))
    return counts
