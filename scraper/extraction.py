"""Turn a fetched HTML page into an archived article, or decide it is not one.

Runs in extraction worker processes (see ``scraper.pool``), never on Scrapy's
event loop. ``extract_article`` is the only entry point the crawl uses.
"""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from scraper.furniture import strip_furniture

EXTRACTOR = f"trafilatura {trafilatura.__version__}"

# JSON-LD types that mean "this page is one article".
ARTICLE_TYPES = {
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
}
# Below this many words, a page without article markup is a teaser or a stub.
MIN_WORDS_WITHOUT_MARKUP = 120
MIN_WORDS_WITH_MARKUP = 25


def extract_article(
    html: str, url: str, hints: dict[str, Any] | None = None, level: str = "best"
) -> dict[str, Any] | None:
    """The article fields of a page, or ``None`` when the page is not an article.

    ``hints`` are what discovery already knows (``published`` and ``title`` from a
    feed or news sitemap); the page's own metadata wins over them.
    """
    hints = hints or {}
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    if tree is None:
        return None
    meta = page_metadata(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
    )
    if document is None:
        return None
    found = document.as_dict()
    paragraphs = strip_furniture([line.strip() for line in (found.get("text") or "").split("\n")])
    text = "\n\n".join(line for line in paragraphs if line)
    words = len(text.split())
    needed = MIN_WORDS_WITH_MARKUP if meta["is_article"] else MIN_WORDS_WITHOUT_MARKUP
    if words < needed or meta["is_listing"]:
        return None
    return {
        "canonical_url": meta["canonical_url"] or _clean(found.get("url")),
        "title": meta["title"] or _clean(found.get("title")) or hints.get("title"),
        "authors": meta["authors"] or _split_authors(found.get("author")),
        "published": meta["published"] or hints.get("published") or _clean(found.get("date")),
        "language": meta["language"] or _clean(found.get("language")),
        "description": meta["description"] or _clean(found.get("description")),
        "sitename": meta["sitename"] or _clean(found.get("sitename")),
        "tags": meta["tags"] or _as_list(found.get("categories")) + _as_list(found.get("tags")),
        "image": meta["image"] or _clean(found.get("image")),
        "text": text,
        "comments": None,
        "extractor": EXTRACTOR,
    }


def page_metadata(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """Metadata the page states in JSON-LD, OpenGraph, ``article:*`` and plain meta tags."""
    metas: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key and value and key not in metas:
            metas[key] = value
    ld = _json_ld_article(tree)
    canonical = next((link.get("href") for link in tree.iter("link") if link.get("rel", "").lower() == "canonical"), None)
    og_type = metas.get("og:type", "").lower()
    tags = _as_list(ld.get("keywords")) or [
        element.get("content").strip()
        for element in tree.iter("meta")
        if (element.get("property") or "").lower() == "article:tag" and element.get("content")
    ]
    return {
        "is_article": bool(ld) or og_type == "article",
        "is_listing": og_type == "website" and not ld and _is_listing(tree),
        "canonical_url": _clean(canonical) or metas.get("og:url"),
        "title": _clean(ld.get("headline")) or metas.get("og:title"),
        "authors": _ld_authors(ld.get("author")) or _split_authors(metas.get("author") or metas.get("article:author")),
        "published": _clean(ld.get("datePublished")) or metas.get("article:published_time"),
        "language": _language(tree.get("lang") or _clean(ld.get("inLanguage")) or metas.get("og:locale")),
        "description": _clean(ld.get("description")) or metas.get("og:description") or metas.get("description"),
        "sitename": metas.get("og:site_name") or _ld_name(ld.get("publisher")),
        "tags": tags,
        "image": metas.get("og:image") or _ld_image(ld.get("image")),
    }


def _json_ld_article(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for node in _ld_nodes(data):
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if ARTICLE_TYPES.intersection(t for t in types if isinstance(t, str)):
                return node
    return {}


def _ld_nodes(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [node for item in data for node in _ld_nodes(item)]
    if isinstance(data, dict):
        return [data, *_ld_nodes(data.get("@graph", []))]
    return []


def _ld_authors(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = [_ld_name(item) for item in items]
    return [name for name in names if name]


def _ld_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _clean(value.get("name"))
    return _clean(value) if isinstance(value, str) else None


def _ld_image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _clean(value.get("url"))
    return _clean(value) if isinstance(value, str) else None


def _split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    parts = re.split(r";|,| and | und | et ", value)
    return [part.strip() for part in parts if part.strip()]


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _language(value: str | None) -> str | None:
    if not value:
        return None
    return re.split(r"[-_]", value.strip())[0].lower() or None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _is_listing(tree: lxml.html.HtmlElement) -> bool:
    """A page of many teasers: lots of headline links, little running prose."""
    headline_links = len(tree.xpath("//h2//a | //h3//a"))
    return headline_links >= 5
