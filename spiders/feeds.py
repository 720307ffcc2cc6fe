"""Find articles through RSS 0.9x/1.0/2.0, Atom and JSON Feed feeds."""

from __future__ import annotations

import asyncio
import calendar
import json
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

import feedparser
import scrapy
from scrapy.http import Response

from scraper.config import Source
from spiders.base import NewsSpider, parse_date


def feed_entries(body: bytes, base_url: str) -> list[tuple[str, dict[str, Any]]]:
    """(link, hints) for each entry of a feed; hints hold the entry's date and title."""
    if body.lstrip()[:1] == b"{":
        return json_feed_entries(body, base_url)
    parsed = feedparser.parse(body, response_headers={"content-location": base_url}, sanitize_html=False)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or entry.get("id")
        if not link:
            continue
        hints: dict[str, Any] = {}
        if published := _entry_date(entry.get("published_parsed") or entry.get("updated_parsed")):
            hints["published"] = published
        if entry.get("title"):
            hints["title"] = entry["title"]
        entries.append((link, hints))
    return entries


def _entry_date(stamp: Any) -> str | None:
    """An entry's date as ISO 8601 in UTC; None for a date no calendar holds (year 0, 99999)."""
    if not stamp:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc).isoformat()
    except (ValueError, OverflowError, OSError):
        return None


def json_feed_entries(body: bytes, base_url: str) -> list[tuple[str, dict[str, Any]]]:
    """(link, hints) for each item of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1)."""
    try:
        feed = json.loads(body)
    except ValueError:
        return []
    items = feed.get("items") if isinstance(feed, dict) else None
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url") or item.get("id")
        if not isinstance(link, str) or not link:
            continue
        hints: dict[str, Any] = {}
        date = parse_date(item.get("date_published") or item.get("date_modified"))
        if date:
            hints["published"] = date.isoformat()
        if isinstance(item.get("title"), str) and item["title"].strip():
            hints["title"] = item["title"].strip()
        try:
            entries.append((urljoin(base_url, link), hints))
        except ValueError:  # "Invalid IPv6 URL": kept as listed, for the spider to refuse in one line
            entries.append((link, hints))
    return entries


# Feeds are parsed off the event loop, one at a time: feedparser is pure Python and holds the GIL.
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-parser")


class FeedSpider(NewsSpider):
    """Reads each feed of its sources and fetches the articles they link to."""

    name = "feeds"
    mode = "feeds"

    def discover(self, source: Source) -> Iterable[scrapy.Request]:
        for url in source.feeds:
            if request := self.listing_request(source.name, str(url), "feed", self.parse_feed):
                yield request

    async def parse_listing(self, response: Response, parse: str) -> AsyncIterator[Any]:
        """The feed's page item, then requests for its entries; the feed is parsed in a thread,
        one feed at a time, so a feed of 200,000 items does not stall fetching for seconds."""
        yield self.page_item(response, response.meta["kind"])
        if response.status == 304:
            return
        entries = await asyncio.get_running_loop().run_in_executor(_PARSER, feed_entries, response.body, response.url)
        for request in self.parse_feed(response, entries):
            yield request

    def parse_feed(self, response: Response, entries: list[tuple[str, dict[str, Any]]]) -> Iterator[Any]:
        source = response.meta["source"]
        if not entries:
            self.logger.warning("%s: %s has no feed entries", source, response.url)
        yield from self.article_requests(source, entries)
