"""Small generated news pages for discovery tests: many stories, feeds and sitemaps in
every format, with whatever links, dates and canonical URLs a test needs."""

from __future__ import annotations

import gzip
import html
import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from tests.newssite import SEED_PARAGRAPHS, Site

NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def ago(**delta: float) -> datetime:
    return (datetime.now(timezone.utc) - timedelta(**delta)).replace(microsecond=0)


def story_page(
    title: str,
    *,
    published: datetime | None = None,
    canonical: str | None = None,
    links: tuple[str, ...] = (),
) -> str:
    """An article page: NewsArticle JSON-LD, real paragraphs, optional date, canonical and links."""
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title}
    if published:
        data["datePublished"] = published.isoformat()
    head = f"<title>{html.escape(title)}</title><script type=\"application/ld+json\">{json.dumps(data)}</script>"
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    body = "".join(f"<p>{html.escape(p)}</p>" for p in SEED_PARAGRAPHS)
    more = "".join(f'<li><a href="{link}">More: {html.escape(link)}</a></li>' for link in links)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head><body>'
        f"<main><article><h1>{html.escape(title)}</h1>{body}</article>"
        f"<aside><ul>{more}</ul></aside></main></body></html>"
    )


def section(links: list[str]) -> str:
    teasers = "".join(f'<h2><a href="{link}">Story {i}</a></h2>' for i, link in enumerate(links))
    return f'<!DOCTYPE html><html><head><meta property="og:type" content="website"></head><body>{teasers}</body></html>'


Entry = tuple[str, str, datetime]  # url, title, published


def rss2(entries: list[Entry]) -> str:
    items = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link><pubDate>{format_datetime(d)}</pubDate></item>"
        for u, t, d in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>/</link>{items}</channel></rss>'


def rss091(entries: list[Entry]) -> str:
    items = "".join(f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link></item>" for u, t, _ in entries)
    return f'<?xml version="1.0"?><rss version="0.91"><channel><title>T</title><link>/</link><language>en</language>{items}</channel></rss>'


def rss1(entries: list[Entry]) -> str:
    items = "".join(
        f'<item rdf:about="{html.escape(u)}"><title>{html.escape(t)}</title><link>{html.escape(u)}</link>'
        f"<dc:date>{d.isoformat()}</dc:date></item>"
        for u, t, d in entries
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="/"><title>T</title><link>/</link></channel>{items}</rdf:RDF>'
    )


def atom(entries: list[Entry]) -> str:
    items = "".join(
        f'<entry><title>{html.escape(t)}</title><link rel="alternate" href="{html.escape(u)}"/><id>{html.escape(u)}</id>'
        f"<updated>{d.isoformat()}</updated></entry>"
        for u, t, d in entries
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>x</id>{items}</feed>'


def json_feed(entries: list[Entry]) -> str:
    items = [{"id": u, "url": u, "title": t, "date_published": d.isoformat()} for u, t, d in entries]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items})


def urlset(entries: list[Entry], news: bool = False) -> str:
    def one(u: str, t: str, d: datetime) -> str:
        extra = (
            f"<news:news><news:publication><news:name>Daily</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{d.isoformat()}</news:publication_date>"
            f"<news:title>{html.escape(t)}</news:title></news:news>"
            if news
            else f"<lastmod>{d.isoformat()}</lastmod>"
        )
        return f"<url><loc>{html.escape(u)}</loc>{extra}</url>"

    urls = "".join(one(*entry) for entry in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS} {NEWS_NS}>{urls}</urlset>'


def sitemapindex(children: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{html.escape(c)}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {SITEMAP_NS}>{items}</sitemapindex>'


def add_stories(site: Site, paths: list[str], published: datetime | None = None) -> list[Entry]:
    """Serve one story page per path; returns their (url, title, published) entries."""
    entries = []
    for path in paths:
        title = f"Story at {path}"
        date = published or ago(hours=1)
        site.add(path, story_page(title, published=date))
        entries.append((site.base + path, title, date))
    return entries


def gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"))
