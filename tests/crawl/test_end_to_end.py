"""`newsarchive crawl` against a real news site on 127.0.0.1, into a real SQLite archive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.store import unpack_body
from tests.conftest import rows, run_cli, write_config
from tests.newssite import ARTICLES, FURNITURE, SEED_FURNITURE, Site, build_news_site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Site, object]]:
    """One crawl of the example site: feeds, a sitemap index, single URLs and a dead source."""
    news_site = build_news_site(Site()).start()
    tmp_path = tmp_path_factory.mktemp("e2e")
    base = news_site.base
    write_config(
        tmp_path,
        [
            {"name": "daily-feeds", "feeds": [f"{base}/rss.xml", f"{base}/atom.xml"]},
            {
                "name": "daily-sitemap",
                "sitemaps": [f"{base}/sitemap_index.xml"],
                "urls": [
                    f"{base}/",
                    f"{base}/world/",
                    f"{base}/gone.html",
                    f"{base}/private/secret.html",
                    f"{base}/report.pdf",
                ],
            },
            {"name": "dead", "feeds": ["http://127.0.0.1:9/rss.xml"]},
        ],
        workers=1,  # the real process pool, as users run it
    )
    result = run_cli("crawl", cwd=tmp_path)
    yield tmp_path / "archive.db", news_site, result
    news_site.stop()


def test_every_article_is_archived_with_its_fields(crawled):
    db, site, result = crawled
    stored = {row["url"]: row for row in rows(db, "SELECT * FROM articles")}
    assert len(stored) == len(ARTICLES), result.stderr
    for article in ARTICLES:
        row = stored[site.base + article.path]
        assert row["canonical_url"] == site.base + article.path
        assert row["title"] == article.title
        assert json.loads(row["authors"]) == article.authors
        assert row["published"] == article.published
        assert row["language"] == article.language
        assert row["description"] == article.description
        assert row["sitename"] == "Example Daily"
        assert json.loads(row["tags"]) == article.tags
        assert row["image"] == (site.base + article.image if article.image else None)
        assert row["text"] == article.text
        assert row["extractor"].startswith("trafilatura")
        assert row["first_seen"] and row["last_fetched"] and len(row["content_hash"]) == 64


def test_no_page_furniture_reaches_the_text(crawled):
    db, _, _ = crawled
    texts = [row["text"] for row in rows(db, "SELECT text FROM articles")]
    for text in texts:
        lines = {line.strip() for line in text.splitlines()}
        for furniture in FURNITURE:
            assert furniture not in lines
            assert furniture not in text
    seed_row = rows(db, "SELECT text FROM articles WHERE url LIKE '%un-ceasefire%'")[0]
    for furniture in SEED_FURNITURE:
        assert furniture not in seed_row["text"]


def test_full_text_search_finds_an_article(crawled):
    db, _, _ = crawled
    found = rows(
        db,
        "SELECT articles.url FROM articles JOIN articles_fts ON articles.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ?",
        ("glaciologists",),
    )
    assert [row["url"].rsplit("/", 1)[-1] for row in found] == ["glacier-retreat-record.html"]


def test_pages_that_are_not_articles_are_recorded_but_not_archived(crawled):
    db, site, _ = crawled
    pages = {row["url"]: row for row in rows(db, "SELECT * FROM pages")}
    assert pages[site.base + "/"]["outcome"] == "not_article"
    assert pages[site.base + "/world/"]["outcome"] == "not_article"
    assert pages[site.base + "/report.pdf"]["outcome"] == "error"
    assert pages[site.base + "/report.pdf"]["error"] == "not_html"
    assert pages[site.base + "/report.pdf"]["content_type"] == "application/pdf"
    assert pages[site.base + "/gone.html"]["outcome"] == "error"
    assert pages[site.base + "/gone.html"]["status"] == 404
    assert pages[site.base + "/rss.xml"]["kind"] == "feed"
    assert pages[site.base + "/sitemap-news.xml.gz"]["kind"] == "sitemap"
    assert not rows(db, "SELECT url FROM articles WHERE url IN (?, ?)", (site.base + "/", site.base + "/world/"))


def test_raw_html_is_kept_compressed_with_status_and_headers(crawled):
    db, site, _ = crawled
    page = rows(db, "SELECT * FROM pages WHERE url = ?", (site.base + ARTICLES[1].path,))[0]
    assert page["status"] == 200
    assert json.loads(page["headers"])["Content-Type"].startswith("text/html")
    body = rows(db, "SELECT body, size, codec FROM bodies WHERE hash = ?", (page["body_hash"],))[0]
    assert body["codec"] == "zstd"
    raw = unpack_body(body["body"], body["codec"])
    assert len(body["body"]) < len(raw) == body["size"] and ARTICLES[1].title.encode() in raw


def test_robots_txt_is_obeyed(crawled):
    db, site, _ = crawled
    assert site.hits("/private/secret.html") == 0
    assert not rows(db, "SELECT url FROM pages WHERE url LIKE '%/private/%'")
    run = rows(db, "SELECT robots_blocked FROM crawls WHERE source = 'daily-sitemap' ORDER BY id")[0]
    assert run["robots_blocked"] == 1


def test_a_dead_source_is_reported_and_the_others_go_on(crawled):
    db, site, result = crawled
    assert result.returncode == 1  # not everything went well
    runs = {row["source"]: row for row in rows(db, "SELECT * FROM crawls ORDER BY id DESC")}  # first run wins
    assert runs["dead"]["status"] == "failed"
    # Its robots.txt could not be fetched: nothing more is asked of the site (RFC 9309), and
    # its feed fails for the true reason, not as forbidden by robots.txt.
    assert json.loads(runs["dead"]["error_kinds"]) == {"connection_refused": 1}
    assert runs["dead"]["robots_blocked"] == 0
    assert "dead: robots.txt forbade" not in result.stdout
    assert "dead: errors: connection_refused x1" in result.stdout
    assert runs["daily-feeds"]["status"] == "ok"  # the sitemap source is partial: its 404 and its PDF
    # The two sources' crawlers run side by side and the sitemap lists every article: an article
    # both list belongs to whichever discovers it first, and is fetched and counted once.
    assert runs["daily-feeds"]["new"] + runs["daily-sitemap"]["new"] == len(ARTICLES)
    owners = {row["url"].removeprefix(site.base): row["source"] for row in rows(db, "SELECT url, source FROM articles")}
    for article in ARTICLES:
        assert site.hits(article.path) == 1
        if article.language != "en":  # in no feed: only the sitemap lists it
            assert owners[article.path] == "daily-sitemap"
    assert "dead" in result.stdout and "connection_refused" in result.stdout
    assert "Traceback" not in result.stderr


def test_summary_and_user_agent(crawled):
    _, site, result = crawled
    assert "daily-feeds" in result.stdout and "new" in result.stdout
    agents = {headers.get("User-Agent", "") for _, headers in site.requests}
    assert agents and all(agent.startswith("newsarchive/") for agent in agents)


def test_a_second_crawl_adds_no_duplicates(crawled):
    db, site, _ = crawled
    before = rows(db, "SELECT url, content_hash, first_seen FROM articles ORDER BY url")
    article_hits = sum(site.hits(a.path) for a in ARTICLES)
    again = run_cli("crawl", "--source", "daily-feeds", "--source", "daily-sitemap", cwd=db.parent)
    assert again.returncode == 1, again.stderr  # /gone.html is still a 404
    after = rows(db, "SELECT url, content_hash, first_seen FROM articles ORDER BY url")
    assert after == before
    # Already archived articles are not fetched again.
    assert sum(site.hits(a.path) for a in ARTICLES) == article_hits
    count = rows(db, "SELECT count(*) AS n FROM articles_fts")[0]["n"]
    assert count == len(ARTICLES)
