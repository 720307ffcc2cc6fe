"""Crashes and concurrent use lose nothing: SIGKILLed crawls, readers during a crawl, two crawls at once."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.store import Archive
from tests.conftest import REPO, run_cli, write_config
from tests.newssite import Site, build_bulk_site

KILLS = 6
PAGES = 200  # for the kills: a few hundred pages
SMALL = 60  # for the concurrent-use tests


def start_crawl(folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "crawl"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read(db: Path, sql: str) -> list[tuple]:
    """Query the archive as an outside reader would, read-only."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def stored(db: Path) -> dict[str, str]:
    """url -> content hash of every article committed so far (none before the schema exists)."""
    if not db.exists() or not read(db, "SELECT 1 FROM sqlite_master WHERE name = 'articles'"):
        return {}
    return dict(read(db, "SELECT url, content_hash FROM articles"))


def assert_sound(db: Path) -> None:
    """The archive opens, is intact, and holds each article exactly once, in FTS too."""
    assert read(db, "PRAGMA integrity_check") == [("ok",)]
    (articles, urls), = read(db, "SELECT count(*), count(DISTINCT url) FROM articles")
    assert articles == urls
    assert read(db, "SELECT count(*) FROM articles_fts") == [(articles,)]
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    finally:
        conn.close()
    Archive(db).close()  # the next run can open (and migrate) it


@pytest.fixture
def bulk_site(request: pytest.FixtureRequest) -> Iterator[tuple[Site, list]]:
    site, articles = build_bulk_site(Site(), getattr(request, "param", SMALL))
    site.start()
    yield site, articles
    site.stop()


@pytest.mark.parametrize("bulk_site", [PAGES], indirect=True)
def test_sigkill_at_random_points_loses_nothing(tmp_path: Path, bulk_site):
    site, articles = bulk_site
    write_config(tmp_path, [{"name": "bulk", "sitemaps": [f"{site.base}/sitemap.xml"]}])
    db = tmp_path / "archive.db"
    rng = random.Random(7)
    kills = 0
    while kills < KILLS:
        before = stored(db)
        assert len(before) < len(articles), f"the crawl outran the kills after {kills}"
        crawl = start_crawl(tmp_path)
        # Strike at a random point of this run's writing, leaving pages for the later kills.
        share = (len(articles) - len(before)) // (KILLS - kills + 1)
        target = len(before) + rng.randint(1, max(1, share))
        deadline = time.monotonic() + 60
        while len(stored(db)) < target and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        committed = stored(db)  # every write a reader could see was committed
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate()
        assert crawl.returncode == -signal.SIGKILL
        kills += 1
        assert_sound(db)
        after = stored(db)
        assert committed.items() <= after.items(), "an article stored before the kill was lost"
    final = run_cli("crawl", cwd=tmp_path, timeout=180)
    assert final.returncode == 0, final.stderr
    assert_sound(db)
    assert set(stored(db)) == {site.base + article.path for article in articles}
    # Runs that were killed stay visible as never finished (the next crawl marks them
    # interrupted); the last one finished.
    runs = read(db, "SELECT status, finished FROM crawls ORDER BY id")
    assert len(runs) == KILLS + 1 and runs[-1][0] == "ok"
    assert all(status == "interrupted" and finished is None for status, finished in runs[:-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_readers_see_a_consistent_archive_during_a_crawl(tmp_path: Path, bulk_site):
    """datasette (and plain SQL readers) query the archive while a crawl writes it."""
    site, articles = bulk_site
    write_config(tmp_path, [{"name": "bulk", "sitemaps": [f"{site.base}/sitemap.xml"]}])
    db = tmp_path / "archive.db"
    Archive(db).close()
    port = free_port()
    datasette = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    count_url = f"http://127.0.0.1:{port}/archive.json?sql=select+count(*)+as+n+from+articles&_shape=array"
    search_url = f"http://127.0.0.1:{port}/archive/articles.json?_search=council&_shape=array&_size=max&_col=url"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(count_url, timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, datasette.stderr
                time.sleep(0.2)
        crawl = start_crawl(tmp_path)
        seen, queries = 0, 0
        while crawl.poll() is None:
            found = json.loads(urllib.request.urlopen(search_url, timeout=30).read())
            count = json.loads(urllib.request.urlopen(count_url, timeout=30).read())[0]["n"]
            assert seen <= len(found) <= count  # readers never see the archive go backwards
            seen = count
            assert read(db, "PRAGMA quick_check") == [("ok",)]
            queries += 1
        out, err = crawl.communicate()
        assert crawl.returncode == 0, err
        assert queries >= 3
        final = json.loads(urllib.request.urlopen(count_url, timeout=30).read())[0]["n"]
        assert final == len(articles)
    finally:
        datasette.terminate()
        datasette.wait()
    assert_sound(db)


def test_two_crawls_of_one_archive_at_once_never_corrupt_it(tmp_path: Path, bulk_site):
    """Both run (SQLite serialises their writes) or, with an archive lock, the second waits or
    is refused with a one-line message; either way nothing is lost, duplicated or damaged."""
    site, articles = bulk_site
    write_config(tmp_path, [{"name": "bulk", "sitemaps": [f"{site.base}/sitemap.xml"]}])
    db = tmp_path / "archive.db"
    first, second = start_crawl(tmp_path), start_crawl(tmp_path)
    results = [crawl.communicate(timeout=180) + (crawl.returncode,) for crawl in (first, second)]
    for out, err, code in results:
        assert "Traceback" not in err
        assert code == 0 or (code in (1, 2) and err.startswith("Error: ") and len(err.strip().splitlines()) == 1), err
    assert any(code == 0 for _, _, code in results)
    assert_sound(db)
    assert set(stored(db)) == {site.base + article.path for article in articles}
    pages = read(db, "SELECT count(*), count(DISTINCT url) FROM pages")[0]
    assert pages[0] == pages[1]
