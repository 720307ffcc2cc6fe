"""Fetch the single article pages a source lists under ``urls``."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy

from scraper.config import Source
from spiders.base import NewsSpider


class UrlSpider(NewsSpider):
    """Fetches each URL its sources list, once; archived ones are not fetched again."""

    name = "urls"
    mode = "urls"

    def discover(self, source: Source) -> Iterable[scrapy.Request]:
        return self.article_requests(source.name, ((str(url), {}) for url in source.urls))
