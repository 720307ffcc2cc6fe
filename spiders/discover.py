"""Find the feeds and sitemaps a news site offers, from its home page: `newsarchive discover`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from trafilatura.feeds import FeedParameters, determine_feed
from twisted.python.failure import Failure

from spiders.feeds import feed_entries
from spiders.sitemaps import sitemap_entries

# Where sites commonly put a feed or a sitemap they do not advertise.
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed.json")
COMMON_SITEMAP_PATHS = (
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/sitemap-index.xml",
    "/news-sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap_news.xml",
    "/sitemap.xml.gz",
)
# A feed advertised by the home page, or a news child of a sitemap index, checked at most this many times.
MAX_CANDIDATES = 10
NEWS_NAMESPACE = b"google.com/schemas/sitemap-news"


@dataclass
class Found:
    """A feed or sitemap that answered and parsed."""

    url: str
    kind: str  # feed, sitemap index, sitemap, news sitemap
    entries: int
    parent: str | None = None  # the sitemap index that lists it
    rank: int = 0  # order of discovery: the order the site advertises them in


@dataclass
class SiteDiscovery:
    """What the home page, robots.txt and the usual places revealed."""

    home: str
    found: dict[str, Found] = field(default_factory=dict)
    home_error: str | None = None

    def of_kind(self, *kinds: str) -> list[Found]:
        return sorted((item for item in self.found.values() if item.kind in kinds), key=lambda item: item.rank)

    def source_entry(self) -> dict[str, Any]:
        """A config.yaml source for this site: its feeds, and its news sitemaps (else its
        top-level sitemaps), limited to recent entries."""
        host = (urlsplit(self.home).hostname or "site").removeprefix("www.")
        entry: dict[str, Any] = {"name": host.replace(".", "-")}
        feeds = [item.url for item in self.of_kind("feed")]
        news = [item.url for item in self.of_kind("news sitemap")]
        sitemaps = news or [item.url for item in self.of_kind("sitemap index", "sitemap") if not item.parent]
        if feeds:
            entry["feeds"] = feeds
        if sitemaps:
            entry["sitemaps"] = sitemaps
        entry["since"] = "2d"
        return entry


class DiscoverSpider(scrapy.Spider):
    """Reads a home page and robots.txt, then checks every feed and sitemap they point to
    (or, when they point to none, the usual paths)."""

    name = "discover"
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, url: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.result = SiteDiscovery(url)
        self.probes = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        home = self.result.home
        yield scrapy.Request(home, callback=self.parse_home, errback=self.home_failed)
        yield scrapy.Request(urljoin(home, "/robots.txt"), callback=self.parse_robots, errback=self.no_robots)

    def own_urls(self, source: str | None = None) -> list[str]:
        """The site the user asked about: its origin may be fetched even when it is not public."""
        return [self.result.home]

    def probe(self, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        self.probes += 1
        return scrapy.Request(url, callback=callback, errback=self.ignore, meta={"rank": self.probes, **meta})

    # -- feeds ------------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        advertised: list[str] = []
        if isinstance(response, TextResponse):
            host = urlsplit(response.url).hostname or ""
            advertised = determine_feed(response.text, FeedParameters(response.url, host, response.url))
        paths = advertised[:MAX_CANDIDATES] or [urljoin(response.url, path) for path in COMMON_FEED_PATHS]
        for url in paths:
            yield self.probe(url, self.check_feed)

    def home_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.result.home_error = str(failure.value) or type(failure.value).__name__
        if failure.check(HttpError):  # the site answers: its feeds may still be in the usual places
            for path in COMMON_FEED_PATHS:
                yield self.probe(urljoin(self.result.home, path), self.check_feed)

    def check_feed(self, response: Response) -> None:
        entries = feed_entries(response.body, response.url)
        if entries:
            self.found(Found(response.url, "feed", len(entries)), response)

    # -- sitemaps ---------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        listed = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        yield from self.probe_sitemaps(listed or [urljoin(response.url, path) for path in COMMON_SITEMAP_PATHS])

    def no_robots(self, failure: Failure) -> Iterator[scrapy.Request]:
        if failure.check(HttpError):  # no robots.txt, but a site that answers
            yield from self.probe_sitemaps([urljoin(self.result.home, path) for path in COMMON_SITEMAP_PATHS])

    def probe_sitemaps(self, urls: list[str], parent: str | None = None) -> Iterator[scrapy.Request]:
        for url in urls[:MAX_CANDIDATES]:
            yield self.probe(url, self.check_sitemap, parent=parent)

    def check_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        kind, entries = sitemap_entries(body)
        parent = response.meta.get("parent")
        if kind == "sitemapindex":
            children = [urljoin(response.url, loc) for loc, _ in entries]
            self.found(Found(response.url, "sitemap index", len(children), parent), response)
            # News sitemaps hide in an index under names like news-sitemap.xml.
            yield from self.probe_sitemaps([url for url in children if "news" in url.lower()], parent=response.url)
        elif kind == "urlset":
            news = NEWS_NAMESPACE in body
            self.found(Found(response.url, "news sitemap" if news else "sitemap", sum(1 for _ in entries), parent), response)

    def found(self, item: Found, response: Response) -> None:
        item.rank = response.meta["rank"]
        self.result.found.setdefault(item.url, item)

    def ignore(self, failure: Failure) -> None:
        """A usual path that is not there is no error."""
