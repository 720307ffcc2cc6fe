"""The summary of `newsarchive crawl --frontier` says what the archive records: a real
redis-server, a real `newsarchive writer` and crawl, the example news site on 127.0.0.1.

A source whose pages are all fetched and written, none of them an article, is
``empty`` in the summary, as in the single-process crawl and in the crawls row the
writer closed; a source that archived articles is ``ok``.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from scraper.distributed.cluster import wait_for_statuses
from scraper.distributed.frontier import Frontier, statuses_key
from tests.conftest import REPO, TEST_CRAWL, needs_redis, rows
from tests.generated_site import build_generated_site
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


def test_a_crawl_stopped_by_a_signal_is_interrupted_in_its_crawls_row(tmp_path: Path, redis_service: RedisServer):
    redis_service.client().flushdb()
    site = Site()
    build_generated_site(site, 400)
    site.start()
    config = {
        "archive": "archive.db",
        "frontier": redis_service.url,
        "frontier_timeout": "5s",
        "crawl": TEST_CRAWL,
        "sources": [{"name": "gazette", "sitemaps": [f"{site.base}/sitemap.xml"]}],
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    writer = Process(tmp_path, "writer", "writer", "--config", "config.yaml")
    crawl = Process(tmp_path, "crawl", "crawl", "--config", "config.yaml")
    try:
        # Stopped once the writer has archived some of the pages, well before all 400.
        deadline = time.monotonic() + 60
        while not _archived(tmp_path / "archive.db"):
            assert time.monotonic() < deadline and crawl.popen.poll() is None, crawl.log
            time.sleep(0.05)
        crawl.popen.send_signal(signal.SIGINT)
        crawl.popen.wait(60)
        assert "Traceback" not in crawl.log, crawl.log
        assert re.search(r"gazette\s+interrupted", crawl.log), crawl.log
        # The writer archives the pages already fetched, then closes the row as the crawl ended: stopped.
        deadline = time.monotonic() + 60
        while (status := rows(tmp_path / "archive.db", "SELECT status FROM crawls")[0]["status"]) == "running":
            assert time.monotonic() < deadline, writer.log
            time.sleep(0.05)
        assert status == "interrupted"
    finally:
        assert writer.stop() == 0, writer.log
        site.stop()


def _archived(db: Path) -> int:
    """Articles in the archive so far (none while the writer has not yet made its tables)."""
    try:
        return rows(db, "SELECT count(*) AS n FROM articles")[0]["n"] if db.exists() else 0
    except sqlite3.OperationalError:
        return 0


def test_a_status_in_redis_that_no_crawls_row_can_have_is_ignored_in_one_line(
    redis_service: RedisServer, caplog: pytest.LogCaptureFixture
):
    redis_service.client().flushdb()
    redis_service.client().hset(statuses_key("run1"), mapping={"daily": "empty", "evil": "\x1b[2Jok"})
    with caplog.at_level(logging.WARNING):
        statuses = wait_for_statuses(Frontier(redis_service.url), "run1")
    assert statuses == {"daily": "empty"}
    assert [record.getMessage() for record in caplog.records] == [
        "ignored crawl statuses in Redis that no crawls row can have: 'evil'"
    ]
