"""Find articles through XML sitemaps: indexes, plain and gzipped, Google News sitemaps,
and the ``Sitemap:`` lines of robots.txt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import Any
from urllib.parse import urljoin

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from scraper.config import Source
from scraper.crawl.counts import counter, source_prefix
from scraper.crawl.faults import count_fault
from scraper.crawl.urls import normalize_url
from spiders.base import NewsSpider

NEWS_NAMESPACE = "{http://www.google.com/schemas/sitemap-news/0.9}"
# Entries of a Google News sitemap worth keeping as evidence for extraction.
_NEWS_FIELDS = {"publication_date": "published", "title": "title", "language": "language"}

SitemapEntry = tuple[str, dict[str, Any]]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def sitemap_entries(body: bytes) -> tuple[str, Iterator[SitemapEntry]]:
    """The sitemap's type (``urlset`` or ``sitemapindex``, empty when it is not a sitemap)
    and an iterator over its (loc, hints) entries.

    Parsed incrementally, without entity expansion or network access, so a
    hostile sitemap cannot make the parser blow up or read local files, and a
    sitemap of 50,000 URLs is never held as 50,000 elements.
    """
    events = etree.iterparse(
        BytesIO(body),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        recover=True,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        _, root = next(events)
    except (StopIteration, etree.XMLSyntaxError):
        return "", iter(())
    return _local(root.tag), _entries(events)


def _entries(events: Iterator[tuple[str, Any]]) -> Iterator[SitemapEntry]:
    try:
        for event, element in events:
            if event != "end" or _local(element.tag) not in ("url", "sitemap"):
                continue
            loc, hints = None, {}
            for child in element.iter():
                child_name = _local(child.tag)
                text = (child.text or "").strip()
                if child_name == "loc" and loc is None:
                    loc = text
                elif child_name == "lastmod" and text:
                    hints["lastmod"] = text
                elif child_name in _NEWS_FIELDS and text and str(child.tag).startswith(NEWS_NAMESPACE):
                    hints[_NEWS_FIELDS[child_name]] = text
            # Drop the entry and the ones before it: memory stays flat however long the sitemap.
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            if loc:
                yield loc, hints
    except etree.XMLSyntaxError:
        return  # keep what was read before the damage


def is_robots_txt(url: str) -> bool:
    return url.split("?", 1)[0].endswith("/robots.txt")


class SitemapSpider(NewsSpider):
    """Walks sitemap indexes (and robots.txt ``Sitemap:`` lines) down to URL sets and
    fetches the articles they list.

    Each sitemap is read once per run (:attr:`NewsSpider.listed`), at most
    ``NEWSARCHIVE_MAX_SITEMAP_DEPTH`` indexes deep and at most ``NEWSARCHIVE_MAX_SITEMAPS``
    per source, so indexes that list themselves, each other or ever-new children end.
    """

    name = "sitemaps"
    mode = "sitemaps"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sitemaps_taken: Counter[str] = Counter()  # per source, sitemaps requested this run

    def discover(self, source: Source) -> Iterable[scrapy.Request]:
        for url in source.sitemaps:
            yield from self.sitemap_request(source.name, str(url), depth=0)

    def sitemap_request(self, source: str, url: str, depth: int) -> Iterator[scrapy.Request]:
        """The request for one sitemap ``depth`` indexes below a configured one, unless this run
        read it already or has taken the source's share of sitemaps."""
        if self.unrequestable(source, url):
            return
        deepest = self.crawler.settings.getint("NEWSARCHIVE_MAX_SITEMAP_DEPTH")
        most = self.crawler.settings.getint("NEWSARCHIVE_MAX_SITEMAPS")
        if depth > deepest:
            self.refuse(source, url, "sitemap_too_deep", f"more than {deepest} sitemap indexes deep")
            return
        if self.sitemaps_taken[source] >= most:
            self.refuse(source, url, "too_many_sitemaps", f"past {most} sitemaps in this crawl")
            return
        request = self.listing_request(source, url, "sitemap", self.parse_sitemap, sitemap_depth=depth)
        if request is not None:
            self.sitemaps_taken[source] += 1
            yield request

    def refuse(self, source: str, url: str, kind: str, why: str) -> None:
        """Say that sitemaps go unread, and count it, once per source and reason in a run."""
        if not self.crawler.stats.get_value(f"{source_prefix(source)}error_kinds/{kind}"):
            self.logger.warning("%s: %s and any like it not read: %s", source, url, why)
            count_fault(counter(self.crawler.stats, source), kind)

    def parse_listing(self, response: Response, parse: str) -> Iterator[Any]:
        yield from super().parse_listing(response, parse)
        if response.status == 304:
            # An unchanged index or robots.txt may still point to sitemaps that changed:
            # follow those from the body kept in the archive (a URL set is not read again).
            body = self.archive.page_body(normalize_url(response.url))
            if body:
                yield from self.read_sitemap(response, body, articles=False)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        yield from self.read_sitemap(response, response.body, articles=True)

    def read_sitemap(self, response: Response, body: bytes, articles: bool) -> Iterator[Any]:
        """Requests for the sitemaps a robots.txt or sitemap index lists, and (with
        ``articles``) for the articles a URL set lists."""
        source, url = response.meta["source"], response.url
        depth = response.meta.get("sitemap_depth", 0)
        if is_robots_txt(url):
            for sitemap in sitemap_urls_from_robots(body.decode("utf-8", "replace"), base_url=url):
                yield from self.sitemap_request(source, sitemap, depth)
            return
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        kind, entries = sitemap_entries(body)
        if kind == "sitemapindex":
            for loc, hints in entries:
                if not self.too_old(source, hints):
                    yield from self.sitemap_request(source, urljoin(url, loc), depth + 1)
        elif kind == "urlset":
            if articles:
                yield from self.article_requests(source, ((urljoin(url, loc), hints) for loc, hints in entries))
        else:
            self.logger.warning("%s: %s is not a sitemap", source, url)
