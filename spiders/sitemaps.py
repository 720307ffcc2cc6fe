"""Find articles through XML sitemaps: indexes, plain and gzipped, Google News sitemaps."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from spiders.base import NewsSpider

# Entries of a Google News sitemap worth keeping as evidence for extraction.
_NEWS_FIELDS = {"publication_date": "published", "title": "title", "language": "language"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def sitemap_entries(body: bytes) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """The sitemap's type (``urlset`` or ``sitemapindex``) and its (loc, hints) entries.

    Parsed incrementally, without entity expansion or network access, so a
    hostile sitemap cannot make the parser blow up or read local files.
    """
    entries: list[tuple[str, dict[str, Any]]] = []
    kind = ""
    parser = etree.iterparse(
        BytesIO(body),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        recover=True,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        for event, element in parser:
            name = _local(element.tag)
            if event == "start":
                kind = kind or name
                continue
            if name not in ("url", "sitemap"):
                continue
            loc, hints = None, {}
            for child in element.iter():
                child_name = _local(child.tag)
                text = (child.text or "").strip()
                if child_name == "loc" and loc is None:
                    loc = text
                elif child_name == "lastmod" and text:
                    hints["lastmod"] = text
                elif child_name in _NEWS_FIELDS and text and child is not element:
                    # news:name inside news:publication is the publisher, not the title
                    if _local(child.getparent().tag) == "news":
                        hints[_NEWS_FIELDS[child_name]] = text
            if loc:
                entries.append((loc, hints))
            element.clear()
    except etree.XMLSyntaxError:
        pass  # keep what was read before the damage
    return kind, entries


class SitemapSpider(NewsSpider):
    """Walks sitemap indexes down to URL sets and fetches the articles they list."""

    name = "sitemaps"
    mode = "sitemaps"

    def discover(self) -> Iterable[scrapy.Request]:
        for url in self.source.sitemaps:
            yield self.listing_request(str(url), "sitemap", self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        yield self.page_item(response, "sitemap")
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        kind, entries = sitemap_entries(body)
        if kind == "sitemapindex":
            for loc, hints in entries:
                if not self.too_old(hints):
                    yield self.listing_request(response.urljoin(loc), "sitemap", self.parse_sitemap)
        elif kind == "urlset":
            yield from self.article_requests((response.urljoin(loc), hints) for loc, hints in entries)
        else:
            self.logger.warning("%s: %s is not a sitemap", self.source.name, response.url)
