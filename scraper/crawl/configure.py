"""Map ``config.yaml`` onto Scrapy settings for a source's crawler."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings

from scraper.config import Config, CrawlSettings, Source
from scraper.crawl.pool import PageBudget


def user_agent(config: Config, source: Source) -> str:
    agent = source.user_agent or config.crawl.user_agent
    contact = config.crawl.contact
    return f"{agent} ({contact})" if contact and contact not in agent else agent


def _own(source: Source, crawl: CrawlSettings, key: str) -> Any:
    """The source's override of a crawl setting, else the global value."""
    value = getattr(source, key)
    return getattr(crawl, key) if value is None else value


def crawl_settings(config: Config, source: Source) -> dict[str, Any]:
    """The Scrapy settings of the source's crawler: the global crawl settings, then the source's own overrides."""
    crawl = config.crawl
    values = {
        "USER_AGENT": user_agent(config, source),
        "ROBOTSTXT_OBEY": _own(source, crawl, "robots"),
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": _own(source, crawl, "per_site_concurrency"),
        "DOWNLOAD_DELAY": _own(source, crawl, "delay"),
        "AUTOTHROTTLE_ENABLED": _own(source, crawl, "autothrottle"),
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "RETRY_TIMES": _own(source, crawl, "retries"),
        "NEWSARCHIVE_RETRY_AFTER_MAX": _own(source, crawl, "retry_after_max"),
        "DOWNLOAD_MAXSIZE": crawl.max_page_size,
        "NEWSARCHIVE_MAX_ENTRIES": crawl.max_entries,
        "NEWSARCHIVE_EXTRACT_WORKERS": crawl.workers,
        "NEWSARCHIVE_EXTRACT_LEVEL": crawl.extract,
        "NEWSARCHIVE_EXTRACT_TIMEOUT": crawl.extraction_timeout,
        "NEWSARCHIVE_EXTRACT_MEMORY": crawl.extraction_memory * 2**20,
        "NEWSARCHIVE_MAX_SITEMAPS": crawl.max_sitemaps,
        "NEWSARCHIVE_MAX_SITEMAP_DEPTH": crawl.max_sitemap_depth,
    }
    # AutoThrottle never goes below DOWNLOAD_DELAY; start it there rather than at its default.
    values["AUTOTHROTTLE_START_DELAY"] = max(values["DOWNLOAD_DELAY"], 0.01)
    return values


def page_budget(crawl: CrawlSettings) -> PageBudget:
    """What one page's extraction may take, from the crawl settings."""
    return PageBudget(timeout=crawl.extraction_timeout, memory=crawl.extraction_memory * 2**20)


def apply_config(settings: Settings, config: Config, source: Source) -> None:
    """Write the source's crawl settings at spider priority."""
    settings.setdict(crawl_settings(config, source), priority="spider")
