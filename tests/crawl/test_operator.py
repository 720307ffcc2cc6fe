"""What an operator meets on the command line: backfills and config changes that take effect,
true reasons for failures, URLs fetched as published, and `reextract` reconsidering pages.
Real crawls against sites on 127.0.0.1, into real archives."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import invoke, rows, run_cli, write_config
from tests.harness import free_port
from tests.newssite import Site
from tests.storysite import add_stories, ago, rss2, section, urlset

# -- backfills and config changes --------------------------------------------------------


def listing_requests(site: Site, path: str, during: tuple[int, int]) -> list[dict[str, str]]:
    """The headers of each request for ``path`` among the site's requests ``during`` (start, end)."""
    return [headers for requested, headers in site.requests[slice(*during)] if requested == path]


@pytest.fixture(scope="module")
def backfill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Two sources whose entries are all weeks old, crawled with `since: 2d` twice; then a page is
    added to one with `newsarchive add`, the other's `since` is deleted from the config, and a crawl
    runs with `--since 3650d`."""
    site = Site().start()
    weeks_old = ago(days=21)
    kept = add_stories(site, [f"/kept/story-{n}.html" for n in range(3)], published=weeks_old)
    edited = add_stories(site, [f"/edited/story-{n}.html" for n in range(2)], published=weeks_old)
    site.add("/kept.xml", rss2(kept), "application/rss+xml", ETag='"kept-1"')
    site.add("/edited.xml", urlset(edited, news=True), "application/xml", ETag='"edited-1"')
    (extra,) = add_stories(site, ["/kept/extra.html"])
    folder = tmp_path_factory.mktemp("backfill")
    sources = [
        {"name": "kept", "feeds": [f"{site.base}/kept.xml"], "since": "2d"},
        {"name": "edited", "sitemaps": [f"{site.base}/edited.xml"], "since": "2d"},
    ]
    write_config(folder, sources)
    runs: dict[str, tuple[object, tuple[int, int]]] = {}
    steps = [
        ("first", ("crawl",)),
        ("unchanged", ("crawl",)),
        ("added", ("add", "--source", "kept", extra[0])),  # reads no listing: changes nothing for them
        ("edited", ("crawl",)),
        ("backfill", ("crawl", "--since", "3650d")),
    ]
    for name, args in steps:
        if name == "edited":
            del sources[1]["since"]
            write_config(folder, sources)
        mark = len(site.requests)
        result = run_cli(*args, cwd=folder)
        runs[name] = (result, (mark, len(site.requests)))
    yield {"site": site, "db": folder / "archive.db", "runs": runs, "folder": folder}
    site.stop()


def new_by_source(db: Path, run_index: int) -> dict[str, int]:
    crawls = rows(db, "SELECT source, new, skipped_old, run FROM crawls ORDER BY id")
    runs = list(dict.fromkeys(row["run"] for row in crawls))
    return {row["source"]: row["new"] for row in crawls if row["run"] == runs[run_index]}


def test_entries_older_than_since_are_skipped_and_the_listings_then_asked_conditionally(backfill):
    site, db, runs = backfill["site"], backfill["db"], backfill["runs"]
    first, _ = runs["first"]
    # Nothing archived is a failure to report, with the reason.
    assert first.returncode == 1 and "Traceback" not in first.stderr, first.stderr[-3000:]
    assert "kept: no article archived yet; this crawl: 3 entries older than `since`" in first.stdout
    assert new_by_source(db, 0) == {"kept": 0, "edited": 0}
    assert sum(row["skipped_old"] for row in rows(db, "SELECT skipped_old FROM crawls")) >= 5
    unchanged, mark = runs["unchanged"]
    assert unchanged.returncode == 1 and "Traceback" not in unchanged.stderr, unchanged.stderr[-3000:]
    assert [h.get("If-None-Match") for h in listing_requests(site, "/kept.xml", mark)] == ['"kept-1"']
    assert [h.get("If-None-Match") for h in listing_requests(site, "/edited.xml", mark)] == ['"edited-1"']


def test_a_changed_source_reads_its_listings_in_full_and_takes_what_it_skipped(backfill):
    site, db, runs = backfill["site"], backfill["db"], backfill["runs"]
    result, mark = runs["edited"]
    assert result.returncode == 0, result.stderr[-3000:]  # kept has the page added meanwhile
    # Its `since` was deleted: no conditional request, and the entries skipped before are fetched.
    assert [h.get("If-None-Match") for h in listing_requests(site, "/edited.xml", mark)] == [None]
    assert new_by_source(db, 3) == {"kept": 0, "edited": 2}
    # The other source did not change (a page added to it reads no listing): still asked
    # conditionally, still nothing taken.
    assert runs["added"][0].returncode == 0, runs["added"][0].stderr[-3000:]
    assert [h.get("If-None-Match") for h in listing_requests(site, "/kept.xml", mark)] == ['"kept-1"']


def test_crawl_since_backfills_the_entries_an_earlier_crawl_skipped_as_too_old(backfill):
    site, db, runs = backfill["site"], backfill["db"], backfill["runs"]
    result, mark = runs["backfill"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert [h.get("If-None-Match") for h in listing_requests(site, "/kept.xml", mark)] == [None]
    assert new_by_source(db, 4) == {"kept": 3, "edited": 0}
    assert len(rows(db, "SELECT url FROM articles")) == 6  # with the page added


def test_a_bad_since_is_one_line_and_exit_2(backfill):
    result = run_cli("crawl", "--since", "three weeks", cwd=backfill["folder"])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["Error: --since: 'three weeks' is not a duration such as 45s, 15m, 2h, 1d or 1w"]


def test_discover_suggests_since_from_the_entries_real_ages(make_site, tmp_path: Path):
    site = make_site()
    entries = add_stories(site, [f"/old-{n}.html" for n in range(3)], published=ago(days=20))
    entries += add_stories(site, ["/older.html"], published=ago(days=40))
    site.add("/", '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>Hi</body></html>')
    site.add("/rss.xml", rss2(entries), "application/rss+xml")
    write_config(tmp_path, [{"name": "x", "urls": [site.base + "/old-0.html"]}])  # fast crawl settings
    result = run_cli("discover", site.base + "/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    entry = yaml.safe_load("\n".join(line[2:] for line in result.stdout.splitlines() if line.startswith("  ")))[0]
    assert entry["since"] == "42d"  # the oldest of the newest entries is 40 days old
    assert f"({len(entries)} entries, newest {entries[0][2].date().isoformat()})" in result.stdout


# -- true reasons ------------------------------------------------------------------------


def test_an_unreachable_source_is_reported_as_unreachable_never_as_robots_blocked(make_site, tmp_path: Path):
    site = make_site()
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    add_stories(site, ["/private/a.html"])
    closed = free_port()  # nothing listens there: connections are refused
    plain = make_site()  # speaks plain HTTP where https is asked: the TLS handshake fails
    write_config(
        tmp_path,
        [
            {"name": "refused", "feeds": [f"http://127.0.0.1:{closed}/rss.xml"]},
            {"name": "tls", "feeds": [f"https://127.0.0.1:{plain.base.rsplit(':', 1)[1]}/rss.xml"]},
            {"name": "forbidden", "urls": [f"{site.base}/private/a.html"]},
        ],
    )
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    runs = {row["source"]: row for row in rows(tmp_path / "archive.db", "SELECT * FROM crawls")}
    assert json.loads(runs["refused"]["error_kinds"]) == {"connection_refused": 1}
    assert json.loads(runs["tls"]["error_kinds"]) == {"tls": 1}
    for source in ("refused", "tls"):
        assert (runs[source]["status"], runs[source]["robots_blocked"]) == ("failed", 0)
        assert f"{source}: robots.txt forbade" not in result.stdout
    assert "refused: errors: connection_refused x1" in result.stdout
    assert "tls: errors: tls x1" in result.stdout
    # A robots.txt that answered and forbids is still said so.
    assert runs["forbidden"]["robots_blocked"] == 1
    assert f"forbidden: robots.txt forbade: {site.base}/private/a.html" in result.stdout

    discovered = run_cli("discover", f"http://127.0.0.1:{closed}/", cwd=tmp_path)
    assert discovered.returncode == 1 and "Traceback" not in discovered.stderr
    assert "home page failed: connection_refused" in discovered.stderr
    assert "forbid" not in discovered.stderr


# -- URLs as published -------------------------------------------------------------------

# Paths a normaliser would rewrite (percent-encoding ; and @, merging //), which the server
# serves only as they are written.
EXACT = {
    "feed": ["/x;art1,2", "/web/2015/http://a.example/b/", "/@writer/post"],
    "sitemap": ["/y;art3,4", "/web/2016/http://a.example/c/", "/@writer/other"],
    "section": ["/z;art5", "/web/2017/http://a.example/d/", "/@writer/third"],
}


def test_urls_are_fetched_exactly_as_published(make_site, tmp_path: Path):
    site = make_site()
    base = site.base
    entries = {kind: add_stories(site, paths) for kind, paths in EXACT.items()}
    # A link that redirects: the Location is followed as written too.
    add_stories(site, ["/@writer/moved;v=2"])
    site.add("/go/1", "", status=301, Location="/@writer/moved;v=2")
    entries["feed"].append((base + "/go/1", "Moved", ago(hours=1)))
    site.add("/rss.xml", rss2(entries["feed"]), "application/rss+xml")
    site.add("/sitemap.xml", urlset(entries["sitemap"]), "application/xml")
    site.add("/latest/", section(EXACT["section"]))
    write_config(
        tmp_path,
        [
            {"name": "feed", "feeds": [base + "/rss.xml"]},
            {"name": "sitemap", "sitemaps": [base + "/sitemap.xml"]},
            {"name": "section", "sections": [base + "/latest/"]},
        ],
    )
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    db = tmp_path / "archive.db"
    published = {base + path for paths in EXACT.values() for path in paths} | {base + "/@writer/moved;v=2"}
    fetched = {row["fetched_from"] for row in rows(db, "SELECT fetched_from FROM articles")}
    assert fetched == published
    assert not rows(db, "SELECT url, error FROM pages WHERE error IS NOT NULL")
    for path in (*(path for paths in EXACT.values() for path in paths), "/@writer/moved;v=2"):
        assert site.hits(path) == 1, path

    # Revisits fetch them as published too, not under the archive's normalised key.
    again = run_cli("crawl", "--refresh", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert not rows(db, "SELECT url, error FROM pages WHERE error IS NOT NULL")
    for path in (path for paths in EXACT.values() for path in paths):
        assert site.hits(path) == 2, path


# -- reextract ---------------------------------------------------------------------------


@pytest.fixture
def small_archive(make_site, tmp_path: Path) -> dict:
    """An archive of two stories and a home page (not an article), crawled with `extract: fast`."""
    site = make_site()
    stories = add_stories(site, ["/a.html", "/b.html"])
    site.add("/", section([url for url, _, _ in stories]))
    write_config(tmp_path, [{"name": "daily", "urls": [site.base + "/", *(url for url, _, _ in stories)]}], extract="fast")
    result = run_cli("crawl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"site": site, "db": tmp_path / "archive.db", "folder": tmp_path, "stories": stories}


def test_reextract_reconsiders_not_articles_at_the_configured_level(small_archive):
    db, folder, site = small_archive["db"], small_archive["folder"], small_archive["site"]
    home = rows(db, "SELECT outcome, why_not_article FROM pages WHERE url = ?", (site.base + "/",))[0]
    assert home["outcome"] == "not_article" and home["why_not_article"]  # the extractor's reason, recorded
    # As an older extractor left it: one story judged not an article, another with a stale extraction.
    story, other = (url for url, _, _ in small_archive["stories"])
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE pages SET outcome = 'not_article', why_not_article = 'old verdict' WHERE url = ?", (story,))
        conn.execute("DELETE FROM articles WHERE url = ?", (story,))
        conn.execute("UPDATE articles SET title = 'Stale', extractor = 'old 0.1' WHERE url = ?", (other,))
    conn.close()
    hits = len(site.requests)
    result = invoke("reextract", "--workers", "0", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "2 pages once judged not articles examined, 1 of them now archived (fast extraction)" in result.stdout
    assert len(site.requests) == hits  # no network
    articles = {row["url"]: row for row in rows(db, "SELECT url, title, extractor FROM articles")}
    assert set(articles) == {story, other}
    assert all(row["extractor"].endswith("(fast)") for row in articles.values())  # the configured level
    assert rows(db, "SELECT outcome, why_not_article FROM pages WHERE url = ?", (story,)) == [
        {"outcome": "article", "why_not_article": None}
    ]
    assert rows(db, "SELECT why_not_article FROM pages WHERE url = ?", (site.base + "/",)) == [{"why_not_article": home["why_not_article"]}]


def test_reextract_refuses_a_file_that_is_not_an_archive(tmp_path: Path):
    empty = tmp_path / "empty.db"
    empty.touch()
    result = invoke("reextract", "--archive", str(empty), cwd=tmp_path)
    assert result.returncode == 2 and "not a newsarchive archive" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert empty.read_bytes() == b""  # left as it was
