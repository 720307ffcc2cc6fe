"""Extraction on pages nobody wrote by hand: generated tag soup, hostile JSON-LD and meta tags, odd
encodings and addresses. Whatever the page, ``extract`` answers with an article or a reason, never
an exception, and what it answers keeps the archive's promises (names are strings, a date is a
date, no furniture line in the text)."""

from __future__ import annotations

import json
import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.extract.article import extract
from scraper.extract.furniture import is_furniture

# NEWSARCHIVE_FUZZ_EXAMPLES raises the count for a long run; the suite's default takes seconds.
EXAMPLES = int(os.environ.get("NEWSARCHIVE_FUZZ_EXAMPLES", "120"))
PROSE = "The council voted on Tuesday to rebuild the harbour wall that storms damaged twice."

WORDS = st.sampled_from(
    [
        "By", "Von", "Jane", "Doe", "and", "und", "2024-02-30", "31.12.1999", "Updated", "12:61", "\u200b", "\u202e",
        "&amp;", "<", "'", '"', "\x00", "\ud800", "…", "Share", "Leave a Reply", "März", "2024", "日本", "기자",
        "Photo:", "©", "|", " - ", "\n", "https://x.test/a", "@", "e-mail", "Back to top",
    ]
)
TEXT = st.lists(WORDS, max_size=30).map(" ".join)
LD_KEYS = st.sampled_from(
    [
        "@type", "@id", "@graph", "@context", "headline", "alternativeHeadline", "author", "creator", "name",
        "datePublished", "dateModified", "dateCreated", "uploadDate", "articleBody", "publisher", "mainEntityOfPage",
        "url", "image", "keywords", "articleSection", "description", "inLanguage", "itemListElement", "sameAs",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(LD_KEYS, children, max_size=8),
    max_leaves=40,
)
LD_TYPES = st.sampled_from(["NewsArticle", "Article", "Person", "Organization", "WebPage", ["NewsArticle", "Thing"], 5, None])
META_KEYS = st.sampled_from(
    [
        "og:title", "twitter:title", "author", "byl", "parsely-author", "article:published_time", "article:modified_time",
        "date", "dc.date", "og:type", "og:site_name", "description",
    ]
)
TAGS = st.sampled_from(
    [
        "p", "div", "span", "a", "h1", "h2", "time", "article", "aside", "nav", "footer", "li", "ul", "figure",
        "figcaption", "table", "td", "br", "address", "b", "em", "form", "script", "style",
    ]
)
ATTRIBUTES = st.sampled_from(
    [
        "", ' class="byline"', ' class="author"', ' rel="author"', ' class="caption"', ' href="/x"', ' href="#"',
        ' datetime="2024-05-06T07:08:09+14:00"', ' datetime="garbage"', ' itemprop="datePublished" content="2021-13-45"',
    ]
)
URLS = st.sampled_from(
    [
        "https://news.example.test/2024/05/06/story.html",
        "https://xn--e1afmkfd.xn--p1ai/2024/13/45/",
        "http://[::1]/x",
        "https://a.test/%ZZ?x=\u2028",
    ]
)
CONTENT_TYPES = st.sampled_from([None, "text/html", "text/html; charset=utf-8", "text/html; charset=bogus", "text/html; charset=utf-16"])


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(TAGS)
    if tag == "br":
        return "<br>"
    inner = draw(TEXT)
    if depth < 4:
        inner += "".join(draw(st.lists(_element(depth=depth + 1), max_size=3)))
    return f"<{tag}{draw(ATTRIBUTES)}>{inner}</{tag}>"


def _json_ld(value: object, kind: object) -> str:
    if isinstance(value, dict):
        value = {"@type": kind, **value}
    return f'<script type="application/ld+json">{json.dumps(value)}</script>'


@st.composite
def _page(draw: st.DrawFn) -> str:
    metas = "".join(
        f'<meta property="{key}" name="{key}" content="{value.replace(chr(34), "&quot;")}">'
        for key, value in draw(st.lists(st.tuples(META_KEYS, TEXT), max_size=6))
    )
    scripts = "".join(_json_ld(draw(JSON_VALUES), draw(LD_TYPES)) for _ in range(draw(st.integers(0, 2))))
    title = f"<title>{draw(TEXT)}</title>" if draw(st.booleans()) else ""
    body = "".join(draw(st.lists(_element(), max_size=6)))
    prose = " ".join([PROSE] * draw(st.integers(0, 6)))
    return f"<html><head>{title}{metas}{scripts}</head><body>{body}<p>{prose}</p>{body[:200]}</body></html>"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    page=_page(),
    level=st.sampled_from(["best", "fast"]),
    url=URLS,
    encoding=st.sampled_from([None, "utf-8", "latin-1", "utf-16", "shift_jis", "cp1252"]),
    content_type=CONTENT_TYPES,
)
def test_any_page_gives_an_article_or_a_reason(page: str, level: str, url: str, encoding: str | None, content_type: str | None) -> None:
    html = page.encode(encoding, "replace") if encoding else page
    article = extract(html, url, level=level, content_type=content_type)
    assert article.is_article != bool(article.not_article)
    assert all(isinstance(name, str) and name.strip() for name in article.authors)
    assert article.title is None or (isinstance(article.title, str) and article.title.strip())
    if article.published is not None:
        date.fromisoformat(article.published[:10])
    assert not [line for line in article.text.split("\n") if line.strip() and is_furniture(line)]
