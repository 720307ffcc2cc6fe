"""One crawl of the configured sources, in one process: the Python API behind `newsarchive crawl`.

Each source gets one crawler per way it finds articles (feeds, sitemaps,
sections, urls), all in one Twisted reactor, sharing the extraction pool, the
archive writer and the set of URLs claimed in this run.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from archive.store import acquire_shared, release_shared
from scraper.config import Config, Source
from scraper.logs import quiet_expected_faults
from scraper.pipelines import crawl_counts
from scraper.pool import shutdown_pools
from spiders import SPIDERS

logger = logging.getLogger(__name__)


@dataclass
class SourceReport:
    """What one crawl did for one source."""

    source: str
    status: str = "ok"
    counts: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlReport:
    run: str
    sources: list[SourceReport]

    @property
    def ok(self) -> bool:
        return all(report.status == "ok" for report in self.sources)


def project_settings(log_level: str = "WARNING"):
    settings = get_project_settings()
    # Outside a checkout (an installed package run from elsewhere) scrapy.cfg is absent.
    if not settings.get("ITEM_PIPELINES"):
        settings.setmodule("scraper.settings", priority="project")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def run_crawl(config: Config, sources: list[Source], log_level: str = "WARNING") -> CrawlReport:
    """Crawl the sources once and record the run; returns the per-source report.

    Can run once per process: Twisted's reactor cannot be restarted (the
    scheduler runs each crawl in a child process for that reason).
    """
    if config.frontier:
        from scraper.cluster import run_distributed_crawl

        return run_distributed_crawl(config, sources, log_level)
    run = uuid.uuid4().hex[:12]
    archive = acquire_shared(config.archive_path)
    process = CrawlerProcess(project_settings(log_level))
    quiet_expected_faults()
    claimed: set[str] = set()
    crawl_ids: dict[str, int] = {}
    crawlers: dict[str, list[Any]] = defaultdict(list)
    try:
        for source in sources:
            crawl_ids[source.name] = archive.start_crawl(source.name, run)
            for mode in source.modes():
                crawler = process.create_crawler(SPIDERS[mode])
                crawlers[source.name].append(crawler)
                process.crawl(crawler, source=source, config=config, crawl_id=crawl_ids[source.name], claimed=claimed)
        process.start()
        reports = []
        for source in sources:
            counts = _sum_counts(crawl_counts(c.stats.get_stats()) for c in crawlers[source.name])
            status = archive.finish_crawl(crawl_ids[source.name], counts)
            reports.append(SourceReport(source.name, status, counts))
        return CrawlReport(run, reports)
    finally:
        shutdown_pools()
        release_shared(config.archive_path)


def _sum_counts(parts: Any) -> dict[str, Any]:
    total: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for part in parts:
        kinds.update(part.pop("error_kinds"))
        total.update(part)
    return {**total, "error_kinds": dict(kinds)}
