"""Fetch the single article pages a source lists under ``urls``."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy

from spiders.base import NewsSpider


class UrlSpider(NewsSpider):
    """Fetches each listed URL once; archived ones are not fetched again."""

    name = "urls"
    mode = "urls"

    def discover(self) -> Iterable[scrapy.Request]:
        return self.article_requests((str(url), {}) for url in self.source.urls)
