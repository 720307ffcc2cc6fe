"""The summary of `newsarchive crawl --frontier` says what the archive records: a real
redis-server, a real `newsarchive writer` and crawl, the example news site on 127.0.0.1.

A source whose pages are all fetched and written, none of them an article, is
``empty`` in the summary, as in the single-process crawl and in the crawls row the
writer closed; a source that archived articles is ``ok``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, TEST_CRAWL, needs_redis, rows
from tests.harness import Process, RedisServer
from tests.newssite import Site, build_news_site, rss_feed

pytestmark = needs_redis


@pytest.fixture
def site() -> Iterator[Site]:
    site = build_news_site(Site())
    # A feed that lists only the home page and a section page: fetched, and no article.
    site.add("/sections.xml", rss_feed(site.base, []).replace("</channel>", _items(site.base, ["/", "/world/"]) + "</channel>"))
    site.start()
    yield site
    site.stop()


def _items(base: str, paths: list[str]) -> str:
    return "".join(f"<item><title>{path}</title><link>{base}{path}</link></item>" for path in paths)


def test_a_source_that_archived_nothing_is_empty_in_the_summary_as_in_its_crawls_row(
    tmp_path: Path, site: Site, redis_service: RedisServer
):
    redis_service.client().flushdb()
    config = {
        "archive": "archive.db",
        "frontier": redis_service.url,
        "frontier_timeout": "5s",
        "crawl": TEST_CRAWL,
        "sources": [
            {"name": "daily", "feeds": [f"{site.base}/rss.xml"]},
            {"name": "sections", "feeds": [f"{site.base}/sections.xml"]},
        ],
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    writer = Process(tmp_path, "writer", "writer", "--config", "config.yaml")
    try:
        crawl = subprocess.run(
            [sys.executable, "-m", "scraper", "crawl", "--config", "config.yaml"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "80"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        assert writer.stop() == 0, writer.log
    output = crawl.stdout + crawl.stderr
    assert "Traceback" not in output, output

    # The summary, as the single-process crawl prints it: `empty` and why, so exit 1.
    summary = {cells[0]: cells[1] for line in crawl.stdout.splitlines() if (cells := line.split()) and cells[0] in ("daily", "sections")}
    assert summary == {"daily": "ok", "sections": "empty"}, output
    assert "sections: no article archived yet; this crawl: 2 pages not articles" in " ".join(crawl.stdout.split()), output
    assert crawl.returncode == 1, output

    # The crawls rows the writer closed for this run say the same.
    run = crawl.stdout.split()[1]
    crawls = {row["source"]: row for row in rows(tmp_path / "archive.db", "SELECT * FROM crawls WHERE run = ?", (run,))}
    assert {source: row["status"] for source, row in crawls.items()} == summary
    assert crawls["daily"]["new"] == 3 and crawls["sections"]["not_articles"] == 2
    # Read once: the crawl took the statuses the writer published.
    assert not redis_service.client().exists(f"newsarchive:statuses:{run}")
