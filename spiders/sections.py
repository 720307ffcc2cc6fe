"""Find articles on section pages, for sites with neither feed nor sitemap."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor

from scraper.config import Source
from scraper.crawl.items import PageItem
from spiders.base import NewsSpider


class SectionSpider(NewsSpider):
    """Fetches each section page of its sources, then the links on it that match the source's
    ``follow`` and not its ``deny``,
    following links from those pages in turn up to ``depth`` levels."""

    name = "sections"
    mode = "sections"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Per source, only links to its sections' own hosts. (LinkExtractor's allow_domains
        # compares against host:port, so it would drop every link on a site with a port.)
        self.hosts = {
            source.name: {urlsplit(str(url)).hostname for url in source.sections} for source in self.sources.values()
        }
        self.links = {
            source.name: LinkExtractor(allow=source.follow, deny=source.deny) for source in self.sources.values()
        }

    def discover(self, source: Source) -> Iterable[scrapy.Request]:
        for url in source.sections:
            if request := self.listing_request(source.name, str(url), "section", self.parse_section, level=0):
                yield request

    def parse_section(self, response: Response) -> Iterator[Any]:
        yield from self.follow_links(response, level=1)

    def parse_article(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        yield from super().parse_article(response)
        yield from self.follow_links(response, level=response.meta.get("level", 1) + 1)

    def follow_links(self, response: Response, level: int) -> Iterator[scrapy.Request]:
        source = response.meta["source"]
        if level > self.sources[source].depth or not isinstance(response, HtmlResponse):
            return
        links = (link.url for link in self.links[source].extract_links(response))
        own = ((url, {}) for url in links if urlsplit(url).hostname in self.hosts[source])
        for request in self.article_requests(source, own):
            request.meta["level"] = level
            yield request
