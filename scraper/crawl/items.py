"""What spiders hand to the item pipelines: one fetched page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.store import PackedBody


@dataclass
class PageItem:
    """One response (or failed request), on its way to extraction and the archive."""

    url: str
    source: str
    kind: str  # article, feed, sitemap or section: what the page was fetched as
    status: int  # HTTP status, 0 when no response arrived
    crawl_id: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | PackedBody | None = None  # raw bytes (packed once extraction has run), kept in the archive
    html: bool = False  # an HTML article page: extraction decodes and reads its body
    hints: dict[str, Any] = field(default_factory=dict)  # what discovery knew: published, title
    error: str | None = None  # failure kind: http_404, timeout, dns, not_html, ...
    article: dict[str, Any] | None = None  # set by extraction
    redirected_from: str | None = None  # the URL first requested, when a redirect led here
    fetched_url: str | None = None  # the URL as requested (url is its normalised key)
    why_not_article: str | None = None  # set by extraction when the page is no article
