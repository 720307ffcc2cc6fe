"""Fetch one page, politely and through the same guards as a crawl: `newsarchive extract URL`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from scraper.crawl.faults import failure_kind


@dataclass
class FetchedPage:
    """One response, or why none arrived."""

    url: str
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # failure kind: dns, timeout, http_404, robots, ...


class PageSpider(scrapy.Spider):
    """Fetches the one URL it is given (robots.txt, the User-Agent and the safety guards
    as configured) and keeps the response."""

    name = "page"
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, url: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.page = FetchedPage(url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.page.url, callback=self.keep, errback=self.failed, dont_filter=True)

    def own_urls(self, source: str | None = None) -> list[str]:
        """The page the user asked for: its origin may be fetched even when it is not public."""
        return [self.page.url]

    def keep(self, response: Response) -> None:
        self.page.url = response.url
        self.page.status = response.status
        self.page.body = response.body
        # The last value of a repeated header, as a browser's single-valued view would have it.
        self.page.headers = {key.decode("latin-1"): values[-1].decode("latin-1") for key, values in response.headers.items() if values}

    def failed(self, failure: Failure) -> None:
        self.page.error = failure_kind(failure)
