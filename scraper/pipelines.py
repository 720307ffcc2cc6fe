"""Item pipelines: extraction (in the worker pool), then the archive write.

Both are built with ``from_crawler`` and read their own settings. Counters go
to the crawler's stats under ``newsarchive/``; the crawl runner turns them into
the run summary and the ``crawls`` table.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.store import CRAWL_COUNTS, acquire_shared, release_shared
from scraper.faults import count_fault
from scraper.items import PageItem
from scraper.middlewares import ROBOTS_BLOCKED_URLS
from scraper.pool import extract_in_pool, get_pool
from scraper.urls import article_key

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
        stats = self.crawler.stats
        if item.error:
            outcome = "error"
            count_fault(stats, item.error)
        elif item.status == 304:
            outcome = "not_modified"
            stats.inc_value("newsarchive/not_modified")
        elif item.kind != "article":
            outcome = "listing"
        elif item.article:
            outcome = "article"
        else:
            outcome = "not_article"
            stats.inc_value("newsarchive/not_articles")
        if item.status:
            stats.inc_value("newsarchive/pages")
        article = item.article if outcome == "article" else None
        result = self.archive.record_page(
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
        )
        if result:
            stats.inc_value(f"newsarchive/{result}")
        item.body = None
        return item


def crawl_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The run summary's numbers, from one crawler's stats."""
    prefix = "newsarchive/error_kinds/"
    counts = {key: stats.get(f"newsarchive/{key}", 0) for key in CRAWL_COUNTS}
    counts["robots_blocked"] = stats.get("robotstxt/forbidden", 0)
    counts["error_kinds"] = {key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)}
    counts["robots_blocked_urls"] = list(stats.get(ROBOTS_BLOCKED_URLS, []))
    return counts
