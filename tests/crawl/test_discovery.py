"""Discovery modes, incremental crawls, one URL per story and politeness, against real
sites on 127.0.0.1 and real `newsarchive crawl` runs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path

import pytest

from scraper.config import parse_config
from scraper.crawl.middlewares import retry_after_seconds
from scraper.crawl.urls import article_key, normalize_url
from spiders.feeds import feed_entries
from spiders.sitemaps import sitemap_entries
from tests.conftest import rows, run_cli, write_config
from tests.newssite import Response, Site
from tests.storysite import (
    add_stories,
    ago,
    atom,
    gz,
    json_feed,
    rss091,
    rss1,
    rss2,
    section,
    sitemapindex,
    story_page,
    urlset,
)


def paths_requested(site: Site, since: int = 0, prefix: str = "/") -> list[str]:
    return [path.split("?")[0] for path, _ in site.requests[since:] if path.startswith(prefix)]


# -- parsing, on real library output ---------------------------------------------------

BASE = "https://news.example"
ENTRIES = [(f"{BASE}/a.html", "Story A", ago(hours=3)), (f"{BASE}/b.html", "Story B", ago(days=9))]


@pytest.mark.parametrize("render", [rss2, rss1, atom, json_feed])
def test_every_feed_format_gives_links_dates_and_titles(render):
    found = feed_entries(render(ENTRIES).encode(), f"{BASE}/feed")
    assert [(url, hints["title"], hints["published"]) for url, hints in found] == [
        (url, title, date.isoformat()) for url, title, date in ENTRIES
    ]


def test_rss_091_without_dates_gives_links_and_titles():
    found = feed_entries(rss091(ENTRIES).encode(), f"{BASE}/feed")
    assert found == [(url, {"title": title}) for url, title, _ in ENTRIES]


def test_news_sitemap_entries_carry_date_title_and_language():
    kind, entries = sitemap_entries(urlset(ENTRIES, news=True).encode())
    assert kind == "urlset"
    assert list(entries) == [
        (url, {"published": date.isoformat(), "title": title, "language": "en"}) for url, title, date in ENTRIES
    ]
    kind, entries = sitemap_entries(sitemapindex(["/one.xml", "/two.xml"]).encode())
    assert (kind, [loc for loc, _ in entries]) == ("sitemapindex", ["/one.xml", "/two.xml"])
    assert sitemap_entries(b"<html><body>not a sitemap</body></html>")[0] == "html"


def test_url_variants_share_one_key():
    story = "https://news.example/world/story.html"
    variants = [
        "HTTPS://News.Example:443/world/story.html?utm_source=rss&utm_medium=feed",
        "https://news.example/world/story.html?fbclid=abc#comments",
        "https://news.example/world/story.html?gclid=1",
    ]
    assert {normalize_url(url) for url in variants} == {story}
    assert article_key("https://news.example/amp/story.html", "/world/story.html") == story
    assert article_key("https://www.news.example/amp/x.html", story) == story  # www. is the same site
    # A canonical on another site, or at the home page, does not merge stories.
    assert article_key(story, "https://aggregator.example/story.html") == story
    assert article_key(story, "https://news.example/") == story


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds(b"120") == 120
    later = format_datetime(ago(seconds=-90))
    assert 80 <= retry_after_seconds(later.encode()) <= 91
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


# -- every discovery mode, in one crawl --------------------------------------------------


@pytest.fixture(scope="module")
def modes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Site, object]]:
    site = Site().start()
    base = site.base
    feeds = {}
    for name, render in [("rss2", rss2), ("rss091", rss091), ("rss1", rss1), ("atom", atom), ("json", json_feed)]:
        feeds[name] = add_stories(site, [f"/feeds/{name}.html"])
        site.add(f"/feeds/{name}.xml", render(feeds[name]), "application/xml")
    # A page that dates itself nowhere: its date must come from the feed.
    undated = (base + "/feeds/undated.html", "Undated story", ago(hours=5))
    site.add("/feeds/undated.html", story_page("Undated story"))
    site.add("/feeds/rss2.xml", rss2(feeds["rss2"] + [undated]), "application/rss+xml")

    site.add("/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sm/index.xml\n", "text/plain")
    news = add_stories(site, ["/sm/news-1.html", "/sm/news-2.html"])
    plain = add_stories(site, ["/sm/plain-1.html"])
    site.add("/private/hidden.html", story_page("Hidden"))
    plain.append((base + "/private/hidden.html", "Hidden", ago(hours=1)))
    site.add("/sm/index.xml", sitemapindex([f"{base}/sm/news.xml.gz", f"{base}/sm/plain.xml"]), "application/xml")
    site.add("/sm/news.xml.gz", gz(urlset(news, news=True)), "application/x-gzip")
    site.add("/sm/plain.xml", urlset(plain), "application/xml")

    # Sections: a follows to b (depth 2), b to c (depth 3: too deep); video and about are not followed.
    site.add("/world/", section([f"{base}/world/2026/a.html", f"{base}/world/2026/video-1.html", f"{base}/about.html", "http://elsewhere.invalid/world/2026/z.html"]))
    site.add("/world/2026/a.html", story_page("A", links=(f"{base}/world/2026/b.html",)))
    site.add("/world/2026/b.html", story_page("B", links=(f"{base}/world/2026/c.html",)))
    for path in ("/world/2026/c.html", "/world/2026/video-1.html", "/about.html"):
        site.add(path, story_page(path))
    site.add("/single.html", story_page("Single"))

    folder = tmp_path_factory.mktemp("modes")
    write_config(
        folder,
        [
            {"name": "feeds", "feeds": [f"{base}/feeds/{name}.xml" for name in feeds]},
            {"name": "sitemaps", "sitemaps": [f"{base}/robots.txt"]},
            {"name": "sections", "sections": [f"{base}/world/"], "follow": [r"/world/20\d\d/"], "deny": ["/video-"], "depth": 2},
            {"name": "single", "urls": [f"{base}/single.html"]},
        ],
    )
    result = run_cli("crawl", "--verbose", cwd=folder)
    yield folder / "archive.db", site, result
    site.stop()


def archived(db: Path, source: str) -> set[str]:
    return {row["url"].split("/", 3)[3] for row in rows(db, "SELECT url FROM articles WHERE source = ?", (source,))}


def test_feeds_of_every_format_are_read(modes):
    db, site, result = modes
    assert result.returncode == 0, result.stderr[-3000:]
    names = {f"feeds/{name}.html" for name in ("rss2", "rss091", "rss1", "atom", "json")}
    assert archived(db, "feeds") == names | {"feeds/undated.html"}
    undated = rows(db, "SELECT published, title FROM articles WHERE url LIKE '%undated%'")[0]
    assert undated["published"] and undated["published"].endswith("+00:00")  # from the feed's pubDate


def test_sitemaps_from_robots_txt_index_gzip_and_news(modes):
    db, site, _ = modes
    assert archived(db, "sitemaps") == {"sm/news-1.html", "sm/news-2.html", "sm/plain-1.html"}
    kinds = {row["url"].rsplit("/", 1)[-1]: row["kind"] for row in rows(db, "SELECT url, kind FROM pages WHERE source = 'sitemaps'")}
    assert kinds["robots.txt"] == kinds["index.xml"] == kinds["news.xml.gz"] == kinds["plain.xml"] == "sitemap"


def test_sections_follow_deny_and_depth(modes):
    db, site, _ = modes
    assert archived(db, "sections") == {"world/2026/a.html", "world/2026/b.html"}
    for path in ("/world/2026/c.html", "/world/2026/video-1.html", "/about.html"):
        assert site.hits(path) == 0, path


def test_single_urls(modes):
    db, _, _ = modes
    assert archived(db, "single") == {"single.html"}


def test_robots_txt_blocks_are_summarised_and_logged_once(modes):
    db, site, result = modes
    assert site.hits("/private/hidden.html") == 0
    hidden = f"{site.base}/private/hidden.html"
    assert f"sitemaps: robots.txt forbade: {hidden}" in result.stdout
    assert result.stderr.count(f"robots.txt forbids {hidden}") == 1
    run = rows(db, "SELECT robots_blocked FROM crawls WHERE source = 'sitemaps'")[0]
    assert run["robots_blocked"] == 1


# -- incremental crawls ------------------------------------------------------------------


INDEX_MODIFIED = format_datetime(ago(days=1), usegmt=True)


def serve_listings(site: Site, entries: list, version: int) -> None:
    """The feed (with an ETag), and a sitemap index that never changes (Last-Modified)
    over a news sitemap (ETag)."""
    base = site.base
    site.add("/rss.xml", rss2(entries), "application/rss+xml", ETag=f'"feed-{version}"')
    index = sitemapindex([f"{base}/news-sitemap.xml"])
    site.add("/sitemap.xml", index, "application/xml", **{"Last-Modified": INDEX_MODIFIED})
    site.add("/news-sitemap.xml", urlset(entries, news=True), "application/xml", ETag=f'"news-{version}"')


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    site = Site().start()
    entries = add_stories(site, [f"/news/story-{n}.html" for n in range(20)])
    # A feed link that redirects: the next crawl must know it too.
    site.add("/go/story-20", "", status=301, Location=f"{site.base}/news/story-20.html")
    entries += [(f"{site.base}/go/story-20", "Redirected", ago(hours=1))]
    add_stories(site, ["/news/story-20.html"])
    serve_listings(site, entries, 1)
    folder = tmp_path_factory.mktemp("incremental")
    write_config(folder, [{"name": "daily", "feeds": [f"{site.base}/rss.xml"], "sitemaps": [f"{site.base}/sitemap.xml"]}])
    runs = {}
    mark = 0
    for name in ("first", "unchanged", "three-new"):
        if name == "three-new":
            entries = add_stories(site, [f"/news/new-{n}.html" for n in range(3)]) + entries
            serve_listings(site, entries, 2)
        result = run_cli("crawl", cwd=folder)
        runs[name] = (result, paths_requested(site, mark))
        mark = len(site.requests)
    yield {"db": folder / "archive.db", "site": site, "runs": runs}
    site.stop()


def articles_requested(paths: list[str]) -> list[str]:
    return sorted(path for path in paths if path.startswith(("/news/", "/go/")))


def test_first_crawl_fetches_every_story(incremental):
    result, paths = incremental["runs"]["first"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(articles_requested(paths)) == 22  # 21 stories and one redirect
    first = rows(incremental["db"], "SELECT new FROM crawls ORDER BY id")[0]
    assert first["new"] == 21


def test_unchanged_site_gets_no_article_request_and_304s(incremental):
    result, paths = incremental["runs"]["unchanged"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert articles_requested(paths) == []
    # Each listing was asked for once, conditionally, and answered 304.
    assert sorted(p for p in paths if p != "/robots.txt") == ["/news-sitemap.xml", "/rss.xml", "/sitemap.xml"]
    site = incremental["site"]
    conditional = [headers for path, headers in site.requests if path == "/rss.xml"][1]
    assert conditional["If-None-Match"] == '"feed-1"'
    db = incremental["db"]
    runs = rows(db, "SELECT not_modified, skipped_known, new FROM crawls ORDER BY id")
    assert [run["not_modified"] for run in runs] == [0, 3, 1]
    assert runs[1]["new"] == 0
    assert "304" in result.stdout


def test_a_304_keeps_the_validators_and_is_recorded_as_not_modified(incremental):
    db = incremental["db"]
    site = incremental["site"]
    page = rows(db, "SELECT outcome, status, headers FROM pages WHERE url = ?", (site.base + "/sitemap.xml",))[0]
    assert page["outcome"] == "not_modified" and page["status"] == 304
    assert "Last-Modified" in json.loads(page["headers"])


def test_only_the_new_entries_are_fetched(incremental):
    result, paths = incremental["runs"]["three-new"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert articles_requested(paths) == [f"/news/new-{n}.html" for n in range(3)]
    last = rows(incremental["db"], "SELECT new, skipped_known FROM crawls ORDER BY id")[-1]
    assert last["new"] == 3
    # The 21 old entries, in the feed and again in the sitemap, and the 3 new ones listed by both, fetched once.
    assert last["skipped_known"] == 45


# -- freshness ---------------------------------------------------------------------------


def test_since_skips_old_feed_and_sitemap_entries(make_site, tmp_path: Path):
    site = make_site()
    fresh = add_stories(site, ["/fresh-1.html", "/fresh-2.html"], published=ago(hours=2))
    old = add_stories(site, ["/old-1.html", "/old-2.html"], published=ago(days=30))
    site.add("/rss.xml", rss2(fresh[:1] + old[:1]), "application/rss+xml")
    site.add("/news.xml", urlset(fresh[1:] + old[1:], news=True), "application/xml")
    old_index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.base}/archive-2019.xml</loc><lastmod>2019-01-01</lastmod></sitemap></sitemapindex>"
    )
    site.add("/old-index.xml", old_index, "application/xml")
    sitemaps = [f"{site.base}/news.xml", f"{site.base}/old-index.xml"]
    write_config(tmp_path, [{"name": "recent", "since": "2d", "feeds": [f"{site.base}/rss.xml"], "sitemaps": sitemaps}])
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert site.hits("/fresh-1.html") == site.hits("/fresh-2.html") == 1
    assert site.hits("/old-1.html") == site.hits("/old-2.html") == site.hits("/archive-2019.xml") == 0
    runs = rows(tmp_path / "archive.db", "SELECT skipped_old FROM crawls")
    assert sum(run["skipped_old"] for run in runs) == 3


# -- one URL, one article ----------------------------------------------------------------


def test_one_story_under_three_urls_is_stored_once(make_site, tmp_path: Path):
    site = make_site()
    base = site.base
    story = base + "/world/story.html"
    page = story_page("The story", published=ago(hours=1), canonical=story)
    site.add("/world/story.html", page)
    site.add("/amp/world/story.html", page)  # another URL of the same page, canonical to the first
    site.add("/rss.xml", rss2([(story + "?utm_source=rss&utm_medium=feed", "The story", ago(hours=1))]), "application/rss+xml")
    site.add("/world/", section([base + "/amp/world/story.html"]))
    write_config(
        tmp_path,
        [
            {"name": "amp", "urls": [base + "/amp/world/story.html"]},
            {"name": "feed", "feeds": [base + "/rss.xml"]},
            {"name": "other", "urls": [story + "?fbclid=xyz#comments"], "sections": [base + "/world/"], "follow": ["/world/"]},
        ],
    )
    first = run_cli("crawl", "--source", "amp", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert [row["url"] for row in rows(tmp_path / "archive.db", "SELECT url FROM articles")] == [story]
    # The feed's, the section's and a shared link's variants are all known now.
    again = run_cli("crawl", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert site.hits("/world/story.html") == 0
    assert site.hits("/amp/world/story.html") == 1
    assert len(rows(tmp_path / "archive.db", "SELECT url FROM articles")) == 1


def test_links_that_redirect_to_one_story_fetch_it_once(make_site, tmp_path: Path):
    site = make_site()
    base = site.base
    site.add("/news/story.html", story_page("The story", published=ago(hours=1)))
    for short in ("/go/1", "/go/2"):
        site.add(short, "", status=301, Location=base + "/news/story.html")
    entries = [(base + "/go/1", "The story", ago(hours=1)), (base + "/go/2", "The story", ago(hours=1))]
    site.add("/rss.xml", rss2(entries), "application/rss+xml")
    site.add("/sitemap.xml", urlset([(base + "/news/story.html", "The story", ago(hours=1))]), "application/xml")
    # Two crawlers (feeds and sitemaps) of one run, and two redirects within the feeds one.
    write_config(tmp_path, [{"name": "daily", "feeds": [base + "/rss.xml"], "sitemaps": [base + "/sitemap.xml"]}])
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert site.hits("/news/story.html") == 1
    assert [row["url"] for row in rows(tmp_path / "archive.db", "SELECT url FROM articles")] == [base + "/news/story.html"]


# -- politeness --------------------------------------------------------------------------


def test_retry_after_is_honoured_up_to_its_bound_and_overrides_apply(make_site, tmp_path: Path):
    site = make_site()
    base = site.base
    answers = iter([Response(429, b"slow down", "text/plain", {"Retry-After": "3600"})])
    times: list[float] = []
    page = story_page("Busy story", published=ago(hours=1))

    def busy() -> Response:
        times.append(time.monotonic())
        return next(answers, Response(200, page.encode()))

    site.pages["/busy.html"] = busy
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    site.add("/private/open.html", story_page("Open to one source", published=ago(hours=1)))
    site.add("/rss.xml", rss2([(base + "/busy.html", "Busy", ago(hours=1))]), "application/rss+xml")
    write_config(
        tmp_path,
        [
            {"name": "busy", "feeds": [base + "/rss.xml"], "retry_after_max": 2, "user_agent": "TestBot/1.0"},
            {"name": "unruly", "urls": [base + "/private/open.html"], "robots": False},
        ],
        contact="https://example.org/contact",
    )
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(times) == 2 and 1.9 <= times[1] - times[0] <= 30  # waited, but not the hour asked
    run = rows(tmp_path / "archive.db", "SELECT retry_after, new FROM crawls WHERE source = 'busy'")[0]
    assert run == {"retry_after": 1, "new": 1}
    agents = {headers.get("User-Agent") for path, headers in site.requests if path == "/busy.html"}
    assert agents == {"TestBot/1.0 (https://example.org/contact)"}
    assert site.hits("/private/open.html") == 1  # robots: false for this source only


# -- newsarchive discover ----------------------------------------------------------------


def discovered_source(output: str) -> dict:
    pasted = "\n".join(line for line in output.splitlines() if not line.startswith("#"))
    config = parse_config(f"sources:\n{pasted}\n")  # ready to paste: it validates
    return config.sources[0].model_dump(mode="json", exclude_defaults=True)


def test_discover_finds_advertised_feeds_and_news_sitemaps(make_site, tmp_path: Path):
    site = make_site()
    base = site.base
    entries = add_stories(site, ["/a.html"])
    site.add(
        "/",
        '<!DOCTYPE html><html><head><title>Daily</title>'
        '<link rel="alternate" type="application/rss+xml" title="News" href="/rss.xml">'
        '<link rel="alternate" type="application/feed+json" title="JSON" href="/feed.json">'
        "</head><body><h1>Daily</h1></body></html>",
    )
    site.add("/rss.xml", rss2(entries), "application/rss+xml")
    site.add("/feed.json", json_feed(entries), "application/feed+json")
    site.add("/robots.txt", f"User-agent: *\nSitemap: {base}/sitemap_index.xml\n", "text/plain")
    site.add("/sitemap_index.xml", sitemapindex([f"{base}/sitemap-posts.xml", f"{base}/news-sitemap.xml"]), "application/xml")
    site.add("/sitemap-posts.xml", urlset(entries), "application/xml")
    site.add("/news-sitemap.xml", urlset(entries, news=True), "application/xml")
    write_config(tmp_path, [{"name": "x", "urls": [base + "/a.html"]}])
    result = run_cli("discover", base + "/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert discovered_source(result.stdout) == {
        "name": "127-0-0-1",
        "feeds": [base + "/rss.xml", base + "/feed.json"],
        "sitemaps": [base + "/news-sitemap.xml"],
        "since": "2d",
    }
    assert site.hits("/sitemap-posts.xml") == 0  # only news children are probed
    assert all(headers["User-Agent"].startswith("newsarchive/") for _, headers in site.requests)


def test_discover_tries_the_usual_paths(make_site, tmp_path: Path):
    site = make_site()
    entries = add_stories(site, ["/a.html"])
    site.add("/", "<!DOCTYPE html><html><head><title>Plain</title></head><body>Hello</body></html>")
    site.add("/feed", atom(entries), "application/atom+xml")
    site.add("/sitemap.xml", urlset(entries), "application/xml")
    write_config(tmp_path, [{"name": "x", "urls": [site.base + "/a.html"]}])
    result = run_cli("discover", site.base, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    found = discovered_source(result.stdout)
    assert found["feeds"] == [site.base + "/feed"] and found["sitemaps"] == [site.base + "/sitemap.xml"]


def test_discover_reports_bad_input_and_empty_sites(make_site, tmp_path: Path):
    bad = run_cli("discover", "ftp://example.com/", cwd=tmp_path)
    assert bad.returncode == 2 and "not an http(s) URL" in bad.stderr and "Traceback" not in bad.stderr
    site = make_site()
    site.add("/", "<html><body>Nothing to see</body></html>")
    write_config(tmp_path, [{"name": "x", "urls": [site.base + "/"]}])
    empty = run_cli("discover", site.base + "/", cwd=tmp_path)
    assert empty.returncode == 1 and "found no feed and no sitemap" in empty.stderr
    assert "Traceback" not in empty.stderr
