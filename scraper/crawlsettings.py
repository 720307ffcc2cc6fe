"""Map ``config.yaml`` onto Scrapy settings for one source's crawler."""

from __future__ import annotations

from scrapy.settings import Settings

from scraper.config import Config, Source


def user_agent(config: Config, source: Source) -> str:
    agent = source.user_agent or config.crawl.user_agent
    contact = config.crawl.contact
    return f"{agent} ({contact})" if contact and contact not in agent else agent


def apply_config(settings: Settings, config: Config, source: Source) -> None:
    """Write the global crawl settings, then the source's own overrides, at spider priority."""
    crawl = config.crawl
    values = {
        "USER_AGENT": user_agent(config, source),
        "ROBOTSTXT_OBEY": crawl.robots if source.robots is None else source.robots,
        "CONCURRENT_REQUESTS": crawl.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.per_site_concurrency or crawl.per_site_concurrency,
        "DOWNLOAD_DELAY": crawl.delay if source.delay is None else source.delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "RETRY_TIMES": crawl.retries,
        "DOWNLOAD_MAXSIZE": crawl.max_page_size,
        "NEWSARCHIVE_MAX_ENTRIES": crawl.max_entries,
        "NEWSARCHIVE_EXTRACT_WORKERS": crawl.workers,
    }
    # AutoThrottle never goes below DOWNLOAD_DELAY; start it there rather than at its default.
    values["AUTOTHROTTLE_START_DELAY"] = max(values["DOWNLOAD_DELAY"], 0.01)
    settings.setdict(values, priority="spider")
