"""Find the feeds and sitemaps a news site offers, from its home page: `newsarchive discover`."""

from __future__ import annotations

import heapq
import math
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from trafilatura.feeds import FeedParameters, determine_feed
from twisted.python.failure import Failure

from scraper.crawl.faults import failure_kind
from spiders.base import parse_date
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
# The suggested `since` lets the first crawl take about this many of the newest dated entries.
SINCE_ENTRIES = 100
SINCE_LEAST_DAYS = 2  # a news site's listings turn over within days: never suggest less
DAY = 86400.0


def count_and_date(entries: Iterable[tuple[str, dict[str, Any]]]) -> tuple[int, list[datetime]]:
    """How many entries there are, and the newest SINCE_ENTRIES dates they give (published,
    else lastmod), newest first; in one pass, so a sitemap of 50,000 is never held whole."""
    count = 0
    newest: list[datetime] = []  # a heap: the oldest kept date first
    for _, hints in entries:
        count += 1
        date = parse_date(hints.get("published") or hints.get("lastmod"))
        if date and len(newest) < SINCE_ENTRIES:
            heapq.heappush(newest, date)
        elif date and date > newest[0]:
            heapq.heapreplace(newest, date)
    return count, sorted(newest, reverse=True)


def suggested_since(dates: list[datetime], now: datetime | None = None) -> str | None:
    """A ``since`` that takes the newest SINCE_ENTRIES dated entries: the age of the oldest of
    them in days, plus a day, at least SINCE_LEAST_DAYS; None when no entry is dated."""
    newest = heapq.nlargest(SINCE_ENTRIES, dates)
    if not newest:
        return None
    age = ((now or datetime.now(timezone.utc)) - newest[-1]).total_seconds()
    return f"{max(SINCE_LEAST_DAYS, math.ceil(max(age, 0) / DAY) + 1)}d"


@dataclass
class Found:
    """A feed or sitemap that answered and parsed."""

    url: str
    kind: str  # feed, sitemap index, sitemap, news sitemap
    entries: int
    parent: str | None = None  # the sitemap index that lists it
    rank: int = 0  # order of discovery: the order the site advertises them in
    dates: list[datetime] = field(default_factory=list)  # of its newest dated entries


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
        top-level sitemaps), limited to recent entries as the entries' own dates show them."""
        host = (urlsplit(self.home).hostname or "site").removeprefix("www.")
        entry: dict[str, Any] = {"name": host.replace(".", "-")}
        feeds = [item.url for item in self.of_kind("feed")]
        news = [item.url for item in self.of_kind("news sitemap")]
        sitemaps = news or [item.url for item in self.of_kind("sitemap index", "sitemap") if not item.parent]
        if feeds:
            entry["feeds"] = feeds
        if sitemaps:
            entry["sitemaps"] = sitemaps
        chosen = set(feeds) | set(sitemaps)
        since = suggested_since([date for item in self.found.values() if item.url in chosen for date in item.dates])
        if since:
            entry["since"] = since
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
        # The true reason: a robots.txt that answered and forbids, else how the fetch failed
        # (connection_refused, dns, timeout, tls, http_404, ...), also when robots.txt failed first.
        forbidden = failure.check(IgnoreRequest) and not failure.check(HttpError)
        self.result.home_error = "robots.txt forbids it" if forbidden else failure_kind(failure)
        if failure.check(HttpError):  # the site answers: its feeds may still be in the usual places
            for path in COMMON_FEED_PATHS:
                yield self.probe(urljoin(self.result.home, path), self.check_feed)

    def check_feed(self, response: Response) -> None:
        count, dates = count_and_date(feed_entries(response.body, response.url))
        if count:
            self.found(Found(response.url, "feed", count, dates=dates), response)

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
            count, dates = count_and_date(entries)
            self.found(Found(response.url, "news sitemap" if news else "sitemap", count, parent, dates=dates), response)

    def found(self, item: Found, response: Response) -> None:
        item.rank = response.meta["rank"]
        self.result.found.setdefault(item.url, item)

    def ignore(self, failure: Failure) -> None:
        """A usual path that is not there is no error."""
