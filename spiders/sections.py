"""Find articles on section pages, for sites with neither feed nor sitemap."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor

from scraper.items import PageItem
from spiders.base import NewsSpider


class SectionSpider(NewsSpider):
    """Fetches each section page, then the links on it that match ``follow`` and not ``deny``,
    following links from those pages in turn up to ``depth`` levels."""

    name = "sections"
    mode = "sections"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Scrapy matches allowed domains against a link's host:port, so a site on a port needs both.
        sites = [urlsplit(str(url)) for url in self.source.sections]
        domains = sorted({site.hostname or "" for site in sites} | {site.netloc.lower() for site in sites})
        self.links = LinkExtractor(allow=self.source.follow, deny=self.source.deny, allow_domains=domains)

    def discover(self) -> Iterable[scrapy.Request]:
        for url in self.source.sections:
            yield self.listing_request(str(url), "section", self.parse_section, level=0)

    def parse_section(self, response: Response) -> Iterator[Any]:
        yield self.page_item(response, "section")
        yield from self.follow_links(response, level=1)

    def parse_article(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        yield from super().parse_article(response)
        yield from self.follow_links(response, level=response.meta.get("level", 1) + 1)

    def follow_links(self, response: Response, level: int) -> Iterator[scrapy.Request]:
        if level > self.source.depth or not isinstance(response, HtmlResponse):
            return
        for request in self.article_requests((link.url, {}) for link in self.links.extract_links(response)):
            request.meta["level"] = level
            yield request
