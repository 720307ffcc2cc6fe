"""Find articles through RSS 0.9x/1.0/2.0, Atom and JSON Feed feeds."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response

from spiders.base import NewsSpider


def feed_entries(body: bytes, base_url: str) -> list[tuple[str, dict[str, Any]]]:
    """(link, hints) for each entry of a feed; hints hold the entry's date and title."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url}, sanitize_html=False)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or entry.get("id")
        if not link:
            continue
        hints: dict[str, Any] = {}
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            hints["published"] = datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc).isoformat()
        if entry.get("title"):
            hints["title"] = entry["title"]
        entries.append((link, hints))
    return entries


class FeedSpider(NewsSpider):
    """Reads each feed of the source and fetches the articles it links to."""

    name = "feeds"
    mode = "feeds"

    def discover(self) -> Iterable[scrapy.Request]:
        for url in self.source.feeds:
            yield self.listing_request(str(url), "feed", self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        yield self.page_item(response, "feed")
        entries = feed_entries(response.body, response.url)
        if not entries:
            self.logger.warning("%s: %s has no feed entries", self.source.name, response.url)
        yield from self.article_requests(entries)
