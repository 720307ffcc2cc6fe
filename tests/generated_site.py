"""A big, plain news site for crawls at scale: thousands of small article pages and one sitemap.

Every page is a real (if short) news article with JSON-LD, so extraction archives
each as an article; its words are made from its number, so every page is distinct.
"""

from __future__ import annotations

import html
import json
from xml.sax.saxutils import escape

from tests.newssite import Site

_TOPICS = ["council", "harbour", "railway", "school", "hospital", "library", "market", "bridge", "museum", "stadium"]


def story(index: int) -> tuple[str, list[str]]:
    """Title and paragraphs of story ``index``."""
    topic = _TOPICS[index % len(_TOPICS)]
    title = f"Story {index}: the {topic} plan reaches its next stage"
    paragraphs = [
        f"Officials confirmed on Tuesday that the {topic} plan numbered {index} will move to its next stage "
        f"after a long public consultation that drew hundreds of written comments from residents.",
        f"Supporters of plan {index} say the work will bring new jobs and shorter journeys, while critics "
        f"warn that the budget has grown twice since the first drawings were published last spring.",
        f"A final decision on the {topic} is expected before the end of the year, the spokesperson for the "
        f"district said, adding that every comment had been read and answered in the published report.",
    ]
    return title, paragraphs


def story_page(index: int, base: str) -> str:
    title, paragraphs = story(index)
    day = 1 + index % 28
    published = f"2026-10-{day:02d}T08:00:00+00:00"
    jsonld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published})
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<link rel="canonical" href="{base}/news/{index}.html">'
        f'<script type="application/ld+json">{jsonld}</script></head>'
        f"<body><nav><a href=\"/\">Home</a></nav><article><h1>{html.escape(title)}</h1>{body}</article>"
        f"<footer>The Generated Gazette</footer></body></html>"
    )


def build_generated_site(site: Site, count: int) -> list[str]:
    """Fill ``site`` with ``count`` stories listed in ``/sitemap.xml``; returns their URLs."""
    urls = []
    for index in range(count):
        path = f"/news/{index}.html"
        site.add(path, story_page(index, site.base))
        urls.append(site.base + path)
    locs = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    site.add(
        "/sitemap.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
        "application/xml",
    )
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    return urls
