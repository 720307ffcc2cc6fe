"""Single pages on demand: fetch one to see what it yields (`extract URL`), or archive a few now (`add`)."""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

from archive.store import Archive
from scraper.config import Config, ConfigError, CrawlSettings, Source
from scraper.crawl.configure import apply_config
from scraper.crawl.logs import quiet_expected_faults
from scraper.crawl.run import CrawlReport, project_settings, run_crawl
from scraper.crawl.urls import normalize_url
from spiders.page import FetchedPage, PageSpider

# The source that pages added without --source are archived under.
ADDED_SOURCE = "added"


def fetch_page(url: str, config: Config | None = None, log_level: str = "WARNING") -> FetchedPage:
    """Fetch ``url`` once with the config's crawl settings, or the defaults (robots.txt,
    User-Agent, delays, the guards against the hostile web).

    Can run once per process, like a crawl (Twisted's reactor cannot be restarted).
    """
    return run_url_spider(PageSpider, url, config, log_level).page


def run_url_spider(spider_class: type[scrapy.Spider], url: str, config: Config | None, log_level: str) -> scrapy.Spider:
    """Run one spider given one ``url``, with the config's crawl settings or the defaults;
    returns the spider, which holds what it found. Once per process, like a crawl."""
    source = Source(name=spider_class.name, urls=[url])
    settings = project_settings(log_level)
    apply_config(settings, Config(crawl=config.crawl if config else CrawlSettings(), sources=[source]), source)
    process = CrawlerProcess(settings)
    quiet_expected_faults()
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, url=url)
    process.start()
    return crawler.spider


def add_pages(
    config: Config, urls: list[str], source_name: str | None = None, log_level: str = "WARNING"
) -> tuple[CrawlReport, list[tuple[str, str]]]:
    """Archive these pages now through the crawl's pipeline, under ``source_name`` (a
    configured source, whose crawl settings apply) or the source ``added``.

    Returns the crawl's report and each URL's outcome as the archive recorded it
    (``article``, ``not_article``, ``error``...; ``known`` when it was archived already).
    """
    if source_name:
        (base,) = config.select([source_name])
    else:
        base = Source(name=ADDED_SOURCE, urls=urls)
    source = base.model_copy(update={"feeds": [], "sitemaps": [], "sections": [], "urls": urls})
    others = [s for s in config.sources if s.name != source.name]
    config = config.model_copy(update={"sources": [*others, source]})
    report = run_crawl(config, [source], log_level)
    return report, page_outcomes(config, urls, report.run)


def page_outcomes(config: Config, urls: list[str], run: str) -> list[tuple[str, str]]:
    """What the run ``run`` recorded for each URL (by its normalised key); ``known`` when it
    fetched nothing because the article was archived already."""
    outcomes = []
    with Archive(config.archive_path, readonly=True) as archive:
        for url in urls:
            key = normalize_url(url)
            row = next(
                archive.db.query(
                    "SELECT outcome, error FROM pages WHERE url = ? AND crawl_id IN (SELECT id FROM crawls WHERE run = ?)",
                    [key, run],
                ),
                None,
            )
            if row is None:
                known = next(archive.db.query("SELECT 1 FROM articles WHERE url = ?", [key]), None)
                outcomes.append((url, "known" if known else "not fetched"))
            else:
                outcomes.append((url, f"{row['outcome']} ({row['error']})" if row["error"] else row["outcome"]))
    return outcomes


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; else a :class:`ConfigError` saying why."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{url!r} is not an http(s) URL")
    return url
