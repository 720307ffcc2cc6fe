"""Item pipelines: extraction (in the worker pool), then the archive write.

Both are built with ``from_crawler`` and read their own settings. Counters go
to the crawler's stats under ``newsarchive/``; the crawl runner turns them into
the run summary and the ``crawls`` table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.store import Archive, acquire_shared, release_shared
from scraper.items import PageItem
from scraper.pool import extract_in_pool, get_pool

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """Fill ``item.article`` from ``item.html``, off the event loop."""

    def __init__(self, crawler: Crawler, workers: int | None, level: str):
        self.crawler = crawler
        self.pool = get_pool(workers)
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        workers = crawler.settings.get("NEWSARCHIVE_EXTRACT_WORKERS")
        level = crawler.settings.get("NEWSARCHIVE_EXTRACT_LEVEL")
        return cls(crawler, None if workers is None else int(workers), level)

    async def process_item(self, item: PageItem) -> PageItem:
        if item.html is None or item.error:
            return item
        try:
            item.article = await extract_in_pool(self.pool, item.html, item.url, item.hints, self.level)
        except Exception as exc:  # one bad page must not stop the crawl
            logger.warning("extraction failed for %s: %r", item.url, exc)
            item.error = "extraction_failed"
        item.html = None  # the decoded copy is no longer needed; free it early
        return item


class ArchivePipeline:
    """Record every page, and upsert every article, in the SQLite archive."""

    def __init__(self, crawler: Crawler, path: Path):
        self.crawler = crawler
        self.path = path
        self.archive = acquire_shared(path)
        self.own_crawl_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        path = crawler.settings.get("NEWSARCHIVE_ARCHIVE")
        if not path:
            raise NotConfigured("NEWSARCHIVE_ARCHIVE is not set")
        return cls(crawler, Path(path))

    def spider_opened(self, spider: Any) -> None:
        # Runs started by `newsarchive crawl` bring their crawl id; a bare
        # `scrapy crawl` gets its own row here.
        if getattr(spider, "crawl_id", None) is None:
            self.own_crawl_id = spider.crawl_id = self.archive.start_crawl(spider.source.name)

    def spider_closed(self, spider: Any) -> None:
        if self.own_crawl_id is not None:
            self.archive.finish_crawl(self.own_crawl_id, crawl_counts(self.crawler.stats.get_stats()))
        release_shared(self.path)

    def process_item(self, item: PageItem) -> PageItem:
        record_item(self.archive, item, self.crawler.stats.inc_value)
        item.body = None
        return item


# What a page needs to be recorded: the PageItem fields record_item reads. This is
# also what travels through Redis from the workers to `newsarchive writer`.
RECORD_FIELDS = ("url", "source", "kind", "status", "crawl_id", "headers", "body", "error", "article")


def record_fields(item: PageItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in RECORD_FIELDS}


def page_outcome(item: PageItem) -> str:
    """What the page turned out to be: article, not_article, listing or error."""
    if item.error:
        return "error"
    if item.kind != "article":
        return "listing"
    return "article" if item.article else "not_article"


def record_item(archive: Archive, item: PageItem, count: Callable[[str], Any]) -> str:
    """Record one page (and its article) in one transaction, counting what happened
    under ``newsarchive/`` keys; returns the page's outcome."""
    outcome = page_outcome(item)
    if outcome == "error":
        count("newsarchive/errors")
        count(f"newsarchive/error_kinds/{item.error}")
    elif outcome == "not_article":
        count("newsarchive/not_articles")
    if item.status:
        count("newsarchive/pages")
    result = archive.record_page(
        url=item.url,
        source=item.source,
        kind=item.kind,
        outcome=outcome,
        status=item.status,
        crawl_id=item.crawl_id,
        body=item.body if item.status else None,
        headers=item.headers,
        error=item.error,
        article=item.article if outcome == "article" else None,
    )
    if result:
        count(f"newsarchive/{result}")
    return outcome


def crawl_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The run summary's numbers, from one crawler's stats."""
    prefix = "newsarchive/error_kinds/"
    return {
        "pages": stats.get("newsarchive/pages", 0),
        "new": stats.get("newsarchive/new", 0),
        "updated": stats.get("newsarchive/updated", 0),
        "unchanged": stats.get("newsarchive/unchanged", 0),
        "not_articles": stats.get("newsarchive/not_articles", 0),
        "errors": stats.get("newsarchive/errors", 0),
        "robots_blocked": stats.get("robotstxt/forbidden", 0),
        "error_kinds": {key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)},
    }
