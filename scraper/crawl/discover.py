"""`newsarchive discover`: find a site's feeds and sitemaps, as a config.yaml source entry."""

from __future__ import annotations

import yaml

from scraper.config import Config
from scraper.crawl.single import run_url_spider
from spiders.discover import DiscoverSpider, SiteDiscovery


def discover_site(url: str, config: Config | None = None, log_level: str = "WARNING") -> SiteDiscovery:
    """Fetch the home page at ``url``, its robots.txt and the usual feed and sitemap paths,
    politely (the config's crawl settings), and report what answered.

    Can run once per process, like a crawl (Twisted's reactor cannot be restarted).
    """
    return run_url_spider(DiscoverSpider, url, config, log_level).result


def format_discovery(result: SiteDiscovery) -> str:
    """What was found, as comments, then a source entry ready to paste under ``sources:``."""
    lines = [f"# found from {result.home}:"]
    for item in result.found.values():
        newest = f", newest {item.dates[0].date().isoformat()}" if item.dates else ""
        lines.append(f"#   {item.kind}: {item.url} ({item.entries} entries{newest})")
    lines.append("# paste under `sources:` in config.yaml")
    entry = yaml.safe_dump([result.source_entry()], sort_keys=False, allow_unicode=True)
    lines.extend(f"  {line}" for line in entry.splitlines())
    return "\n".join(lines)
