"""Feeds and sitemaps nobody wrote by hand: generated RSS, Atom, JSON Feed and sitemaps with
hostile links and dates, and plain noise. Reading one never raises, and every link it yields is
either refused as ``bad_url`` or makes a request: one broken entry never stops the others."""

from __future__ import annotations

import json
import os

import scrapy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.crawl.urls import url_problem
from spiders.base import parse_date
from spiders.feeds import feed_entries
from spiders.sitemaps import sitemap_entries

EXAMPLES = int(os.environ.get("NEWSARCHIVE_FUZZ_EXAMPLES", "150"))
ATOMS = st.sampled_from(
    [
        "http://[::1", "http://[::1]x/", "https://a.test:99999/x", "https://a.test:-1/", "https://a.test/story",
        "/relative/story", "//evil.test/x", "javascript:alert(1)", "", " ", "\x00", "http://%zz",
        "https://[fe80::1%25eth0]/", "9999-12-31T23:59:59Z", "0000-00-00", "Thu, 31 Dec 99999 00:00:00 GMT",
        "2024-02-30", "-1", "1e309", "Mon, 01 Jan 0001 00:00:00 +2400", "Sat, 31 Dec 9999 23:59:59 -2359", "&amp;<b>",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.integers() | st.floats() | ATOMS,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(
        st.sampled_from(["items", "url", "external_url", "id", "date_published", "date_modified", "title", "version"]),
        children,
        max_size=5,
    ),
    max_leaves=20,
)
JSON_FEEDS = st.lists(
    st.dictionaries(st.sampled_from(["url", "external_url", "id", "date_published", "date_modified", "title"]), ATOMS, max_size=5),
    max_size=4,
).map(lambda items: json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode())


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def _rss_or_atom(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        items = "".join(
            f"<item><title>{_xml(draw(ATOMS))}</title><link>{_xml(draw(ATOMS))}</link>"
            f"<pubDate>{_xml(draw(ATOMS))}</pubDate><guid>{_xml(draw(ATOMS))}</guid></item>"
            for _ in range(draw(st.integers(0, 4)))
        )
        return f"<?xml version='1.0'?><rss version='2.0'><channel>{items}</channel></rss>".encode()
    entries = "".join(
        f"<entry><link href='{_xml(draw(ATOMS))}'/><updated>{_xml(draw(ATOMS))}</updated><id>{_xml(draw(ATOMS))}</id></entry>"
        for _ in range(draw(st.integers(0, 4)))
    )
    return f"<feed xmlns='http://www.w3.org/2005/Atom'>{entries}</feed>".encode()


@st.composite
def _sitemap(draw: st.DrawFn) -> bytes:
    urls = "".join(
        f"<url><loc>{_xml(draw(ATOMS))}</loc><lastmod>{_xml(draw(ATOMS))}</lastmod><news:news>"
        f"<news:publication_date>{_xml(draw(ATOMS))}</news:publication_date></news:news></url>"
        for _ in range(draw(st.integers(0, 4)))
    )
    return (
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
        f"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>{urls}</urlset>"
    ).encode()


def _requestable_or_refused(url: str) -> None:
    if url.startswith(("http://", "https://")) and url_problem(url) is None:
        scrapy.Request(url)  # what the spider then makes of it, which must not raise


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    feed=st.one_of(_rss_or_atom(), JSON_FEEDS, JSON_VALUES.map(lambda value: json.dumps(value).encode()), st.binary(max_size=300)),
    sitemap=st.one_of(_sitemap(), st.binary(max_size=300)),
    base=st.sampled_from(["https://a.test/feed.xml", "http://127.0.0.1:8000/feed.xml"]),
)
def test_any_feed_or_sitemap_is_read_without_stopping(feed: bytes, sitemap: bytes, base: str) -> None:
    for link, hints in feed_entries(feed, base):
        _requestable_or_refused(link)
        if "published" in hints:
            assert parse_date(hints["published"]) is not None
    _, entries = sitemap_entries(sitemap)
    for loc, _ in entries:
        _requestable_or_refused(loc)


def test_entries_with_impossible_dates_and_links_keep_the_others() -> None:
    feed = (
        b"<?xml version='1.0'?><rss version='2.0'><channel>"
        b"<item><title>Year zero</title><link>https://a.test/zero</link><pubDate>0000-00-00</pubDate></item>"
        b"<item><title>Fine</title><link>https://a.test/fine</link><pubDate>Mon, 06 May 2024 07:08:09 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    assert feed_entries(feed, "https://a.test/feed.xml") == [
        ("https://a.test/zero", {"title": "Year zero"}),
        ("https://a.test/fine", {"published": "2024-05-06T07:08:09+00:00", "title": "Fine"}),
    ]
    items = {"items": [{"url": "http://[::1"}, {"url": "/fine"}]}
    assert [link for link, _ in feed_entries(json.dumps(items).encode(), "https://a.test/feed.json")] == [
        "http://[::1",
        "https://a.test/fine",
    ]
    assert url_problem("http://[::1") == "Invalid IPv6 URL"
    assert url_problem("http://[::1]x/story.html") == "Invalid IPv6 URL"
    assert url_problem("https://a.test:99999/") == "Port out of range 0-65535"
    assert url_problem("https:///story.html") == "no host"
    assert url_problem("https://a.test/story") is None
